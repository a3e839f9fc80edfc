// The pieces of the private extension module safeguard._safeguard, one per area of the library
// (include/safeguard/<area>/ → bind_<area>.cpp), each a thin layer of pybind11 declarations over
// the C++ API with the same names. No logic lives here: the analyst's API, the pandas
// conversions and the error types are in the Python package (safeguard/*.py).
#pragma once

#include <pybind11/pybind11.h>

namespace safeguard::python {

/// version.hpp and error.hpp: the version, diagnostics, and the translation of the library's
/// exceptions into the Python exceptions of safeguard._errors.
void bind_core(pybind11::module_& m);
/// model/: the dataset's tables as read-only numpy views of their columns, and the code lists.
void bind_model(pybind11::module_& m);
/// period/: periods, period lists and relative periods.
void bind_period(pybind11::module_& m);
/// io/: loading, snapshots, validation and the generator.
void bind_io(pybind11::module_& m);
/// engine/: catalogues, compute requests and results.
void bind_engine(pybind11::module_& m);
/// output/: the result table as CSV and JSON.
void bind_output(pybind11::module_& m);
/// engine/partition.hpp: serialized results, their exact merge, the split by root.
void bind_partition(pybind11::module_& m);

}  // namespace safeguard::python
