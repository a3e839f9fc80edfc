// Conversions shared by the bind_*.cpp files: columns as read-only numpy views that keep their
// owner alive (no copy: the buffer protocol over the library's own vectors), and day numbers
// as datetime.date.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "safeguard/model/calendar.hpp"
#include "safeguard/model/dataset.hpp"

namespace safeguard::python {

namespace py = pybind11;

/// A read-only one-dimensional numpy array over `size` items of `dtype` at `data`, whose base
/// is `owner`, so that the array keeps the owning Python object (a Dataset, a Result) alive.
/// An empty column gives an empty array.
py::array readonly_view(const py::dtype& dtype, const void* data, std::size_t size,
                        py::handle owner);

template <class T>
struct is_row_index : std::false_type {};
template <class Tag>
struct is_row_index<row_index<Tag>> : std::true_type {};

/// A column of the library as a read-only numpy view: row indices as int32 (-1 = none), every
/// other element type as itself (codes uint8, code sets uint32, days int32, ...).
template <class T>
py::array column_view(const std::vector<T>& column, py::handle owner) {
  if constexpr (is_row_index<T>::value) {
    static_assert(sizeof(T) == sizeof(std::int32_t) && std::is_standard_layout_v<T>,
                  "a row index is exactly one int32");
    return readonly_view(py::dtype::of<std::int32_t>(), column.data(), column.size(), owner);
  } else {
    return readonly_view(py::dtype::of<T>(), column.data(), column.size(), owner);
  }
}

/// A 0/1 byte column as a read-only numpy bool view.
py::array mask_view(const std::vector<std::uint8_t>& column, py::handle owner);

/// `d` as a datetime.date; None for no_day.
py::object to_date(day_number d);

/// A datetime.date (or datetime.datetime: its date), or an ISO `YYYY-MM-DD` string, as a day
/// number; None as no_day. Throws py::value_error for a malformed string, py::type_error for
/// another type.
day_number to_day_number(py::handle date);

/// Sets the Python error to an instance of `safeguard._errors.<type>` built from `args` and
/// `kwargs`, for an exception translator. When building it fails, that failure is raised
/// instead.
void raise_python_error(const char* type, const py::tuple& args, const py::dict& kwargs = {});

}  // namespace safeguard::python
