// Conversions shared by the bind_*.cpp files.
#include "convert.hpp"

#include <optional>
#include <string>

namespace safeguard::python {

namespace {

// datetime.date, looked up once. The reference is deliberately never released: a static
// py::object would be destroyed after the interpreter has finalized.
py::handle date_type() {
  static const py::handle type = py::object(py::module_::import("datetime").attr("date")).release();
  return type;
}

}  // namespace

py::array readonly_view(const py::dtype& dtype, const void* data, std::size_t size,
                        py::handle owner) {
  const auto n = static_cast<py::ssize_t>(size);
  // An empty vector may have no storage at all; numpy then allocates its own (empty) buffer.
  py::array view(dtype, {n}, {dtype.itemsize()}, size == 0 ? nullptr : data, owner);
  // The library's columns are immutable once loaded (a compute may be reading them on another
  // thread with the GIL released): numpy must refuse writes.
  py::detail::array_proxy(view.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return view;
}

py::array mask_view(const std::vector<std::uint8_t>& column, py::handle owner) {
  static_assert(sizeof(bool) == 1, "numpy's bool is one byte");
  return readonly_view(py::dtype("?"), column.data(), column.size(), owner);
}

py::object to_date(day_number d) {
  if (d == no_day) return py::none();
  const civil_date c = to_civil(d);
  return date_type()(c.year, c.month, c.day);
}

day_number to_day_number(py::handle date) {
  if (date.is_none()) return no_day;
  if (py::isinstance<py::str>(date)) {
    const auto text = date.cast<std::string>();
    const std::optional<day_number> d = parse_iso_date(text);
    if (!d) throw py::value_error("'" + text + "' is not a date YYYY-MM-DD");
    return *d;
  }
  if (!py::isinstance(date, date_type()))
    throw py::type_error("expected a datetime.date or a 'YYYY-MM-DD' string, got " +
                         std::string(py::str(date.get_type().attr("__name__"))));
  return safeguard::to_day_number(civil_date{date.attr("year").cast<int>(),
                                             date.attr("month").cast<unsigned>(),
                                             date.attr("day").cast<unsigned>()});
}

void raise_python_error(const char* type, const py::tuple& args, const py::dict& kwargs) {
  // The classes live in the pure-Python package, which is always importable here: this
  // module is its submodule safeguard._safeguard.
  try {
    const py::object cls = py::module_::import("safeguard._errors").attr(type);
    const py::object instance = cls(*args, **kwargs);
    PyErr_SetObject(cls.ptr(), instance.ptr());
  } catch (py::error_already_set& failure) {
    failure.restore();
  }
}

}  // namespace safeguard::python
