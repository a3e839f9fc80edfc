// engine/partition.hpp: serialized partial results, their exact merge, and the split of a
// dataset by root, for safeguard.dask. The C++ work runs without the GIL so that a worker's
// threads and the client keep running while bytes are encoded or merged.
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "bind.hpp"
#include "safeguard/engine/partition.hpp"

namespace safeguard::python {

namespace py = pybind11;
using namespace safeguard::engine;

void bind_partition(py::module_& m) {
  m.def("request_fingerprint", &request_fingerprint, py::arg("result"), py::arg("request"),
        "The request a result was computed for, as text; parts merge only when equal.");
  m.def(
      "serialize_result",
      [](const result& r, const compute_request& request) {
        std::string bytes;
        {
          py::gil_scoped_release release;
          bytes = serialize_result(r, request);
        }
        return py::bytes(bytes);
      },
      py::arg("result"), py::arg("request"),
      "The result as bytes (header, request fingerprint, every column) to ship between processes.");
  m.def(
      "deserialize_result",
      [](const py::bytes& data) {
        const std::string bytes = data;
        py::gil_scoped_release release;
        return deserialize_result(bytes);
      },
      py::arg("data"), "Reads bytes written by serialize_result; SafeguardError when they are corrupt.");
  m.def("merge_results", &merge_results, py::arg("parts"), py::call_guard<py::gil_scoped_release>(),
        "The exact union of results computed for one request over disjoint partitions.");
  m.def(
      "merge_serialized",
      [](const std::vector<py::bytes>& parts) {
        std::vector<std::string> bytes(parts.begin(), parts.end());
        py::gil_scoped_release release;
        return merge_serialized(bytes);
      },
      py::arg("parts"),
      "Deserializes the parts, checks they were computed for the same request, and merges them.");
  m.def("split_dataset_by_root", &split_dataset_by_root, py::arg("data"), py::arg("out_dir"),
        py::call_guard<py::gil_scoped_release>(),
        "Writes one dataset folder per root of the hierarchy under out_dir; returns their paths.");
}

}  // namespace safeguard::python
