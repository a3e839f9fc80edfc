// The extension module safeguard._safeguard. Users import the package `safeguard`, which
// re-exports what it needs from here.
#include "bind.hpp"

PYBIND11_MODULE(_safeguard, m) {
  m.doc() = "safeguard's C++ library (private module; use the package `safeguard`).";
  safeguard::python::bind_core(m);
  safeguard::python::bind_model(m);
  safeguard::python::bind_period(m);
  safeguard::python::bind_io(m);
  safeguard::python::bind_engine(m);
  safeguard::python::bind_output(m);
  safeguard::python::bind_partition(m);
}
