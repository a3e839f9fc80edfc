// output/: the computed result as the spec's CSV table and as JSON.
#include <pybind11/stl.h>

#include "bind.hpp"
#include "safeguard/output/table.hpp"

namespace safeguard::python {

namespace py = pybind11;

void bind_output(py::module_& m) {
  m.def("to_csv", &output::to_csv, py::arg("result"),
        "The spec's indicator table as CSV text (byte-identical across runs).");
  m.def("to_json", &output::to_json, py::arg("result"),
        "The same rows as JSON, with the direction-aware achievement of rows with a target.");
  m.def("format_number", &output::format_number, py::arg("x"),
        "The shortest decimal text that reads back to exactly x.");
}

}  // namespace safeguard::python
