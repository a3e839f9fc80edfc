// version.hpp and error.hpp: the version, severities and diagnostics, and the translation of
// safeguard::error and safeguard::load_error into the Python exceptions of safeguard._errors.
#include <exception>

#include <pybind11/stl.h>

#include "bind.hpp"
#include "convert.hpp"
#include "safeguard/error.hpp"
#include "safeguard/version.hpp"

namespace safeguard::python {

namespace py = pybind11;

void bind_core(py::module_& m) {
  m.attr("version_string") = version_string;
  m.attr("dataset_format_version") = dataset_format_version;

  py::enum_<severity>(m, "Severity", "How bad a diagnostic or finding is.")
      .value("warning", severity::warning, "Does not stop a load.")
      .value("error", severity::error, "Stops a load.");

  py::class_<diagnostic>(m, "Diagnostic",
                         "One located problem in input data (a CSV cell, a DataFrame value, a "
                         "catalogue line), compiler style: `str(d)` reads "
                         "`cases.csv:17:4: error SG201 [reported_date]: '2024-13-01'; expected "
                         "a date YYYY-MM-DD`.")
      .def_readonly("code", &diagnostic::code, "Stable code, e.g. 'SG201' (docs/errors.md).")
      .def_readonly("level", &diagnostic::level, "Severity.error or Severity.warning.")
      .def_readonly("file", &diagnostic::file, "The file (or table), e.g. 'cases.csv'.")
      .def_readonly("line", &diagnostic::line,
                    "1-based line; the header is line 1 (row position + 2 for a DataFrame); "
                    "0 when not applicable.")
      .def_readonly("column", &diagnostic::column, "1-based field number; 0 when not applicable.")
      .def_readonly("column_name", &diagnostic::column_name, "e.g. 'reported_date'.")
      .def_readonly("value", &diagnostic::value,
                    "The offending text, shortened to at most 80 bytes.")
      .def_readonly("expected", &diagnostic::expected, "What was expected.")
      .def_readonly("record_id", &diagnostic::record_id,
                    "The id of the offending row (or indicator code), when it has one.")
      .def("__str__", &diagnostic::to_string)
      .def("__repr__",
           [](const diagnostic& d) { return "<safeguard.Diagnostic " + d.to_string() + ">"; });
  // For Dataset.from_pandas: the loader numbers the columns of the CSV text a DataFrame was
  // written as, which lacks the frame's `_has_time` companions.
  m.def(
      "_diagnostic_at_column",
      [](diagnostic d, std::uint32_t column) {
        d.column = column;
        return d;
      },
      py::arg("diagnostic"), py::arg("column"), "A copy of `diagnostic` at another column.");

  // Translators registered later are tried first: bind_period and bind_engine add the more
  // specific period, catalogue and expression errors after this one.
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const load_error& e) {
      raise_python_error("LoadError", py::make_tuple(py::cast(e.diagnostics())));
    } catch (const error& e) {
      raise_python_error("SafeguardError", py::make_tuple(e.what()));
    }
  });
}

}  // namespace safeguard::python
