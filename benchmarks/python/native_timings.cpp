// The module _native_timings: the operations of the Python benchmark (timed_operations.hpp)
// timed in C++ inside the Python process, on the Dataset and PreparedDataset objects the
// script computes with through the package. The two sides then share the process, its
// memory and its dataset, and differ only by what Python adds: the package's argument
// handling, the binding's conversions, the GIL release and the wrapping of the answer.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "python/timed_operations.hpp"

namespace py = pybind11;
namespace sg = safeguard;

PYBIND11_MODULE(_native_timings, m) {
  m.doc() = "bench_python.py's operations timed in C++ inside the Python process.";
  py::module_::import("safeguard._safeguard");  // registers Dataset and PreparedDataset
  py::class_<sg::bench::timed_operations>(m, "Timings")
      .def(py::init<std::string, std::string, unsigned, const sg::dataset&,
                    const sg::engine::prepared_dataset&>(),
           py::arg("folder"), py::arg("snapshot"), py::arg("threads"), py::arg("data"),
           py::arg("prepared"), py::keep_alive<1, 5>(), py::keep_alive<1, 6>())
      .def("run", &sg::bench::timed_operations::run, py::arg("operation"),
           py::call_guard<py::gil_scoped_release>(),
           "(milliseconds, count) of one run of the operation, timed in C++.");
}
