// io/: loading (folders, CSV texts in memory, snapshots), validation and the generator. Every
// long call releases the GIL once its arguments are converted, so that other Python threads
// run meanwhile. Progress callbacks are not exposed: a callback would need the GIL back on
// every call.
#include <string>
#include <utility>
#include <vector>

#include <pybind11/stl.h>

#include "bind.hpp"
#include "convert.hpp"
#include "safeguard/io/generate.hpp"
#include "safeguard/io/load.hpp"
#include "safeguard/io/snapshot.hpp"
#include "safeguard/io/validate.hpp"

namespace safeguard::python {

namespace py = pybind11;
using release_gil = py::call_guard<py::gil_scoped_release>;

void bind_io(py::module_& m) {
  py::class_<io::load_options>(m, "LoadOptions", "How to load.")
      .def(py::init<>())
      .def_readwrite("max_errors", &io::load_options::max_errors,
                     "Errors reported before the load stops collecting; 0 = no limit.")
      .def_readwrite("threads", &io::load_options::threads,
                     "Worker threads; 0 = the hardware's concurrency.");

  py::class_<io::load_report>(m, "LoadReport", "What a load found.")
      .def(py::init<>())
      .def_readonly("diagnostics", &io::load_report::diagnostics,
                    "Every diagnostic, ordered by file (loading order), then line.")
      .def("ok", &io::load_report::ok, "True when there is no error (warnings are fine).")
      .def("error_count", &io::load_report::error_count)
      .def("warning_count", &io::load_report::warning_count);

  m.def("table_file_names", &io::table_file_names,
        "The files of a dataset folder in loading order (org_units.csv first).");
  // The C++ out-parameter becomes part of the return value: filling a Dataset that Python
  // already holds would free the columns under its existing numpy views.
  m.def(
      "try_load_dataset",
      [](const std::string& folder, const io::load_options& options) {
        dataset out;
        io::load_report report = io::try_load_dataset(folder, out, options);
        return std::make_pair(std::move(report), std::move(out));
      },
      py::arg("folder"), py::arg("options") = io::load_options(), release_gil(),
      "Loads the CSV files of `folder`: (report, dataset); on any error the dataset is empty.");
  m.def("load_dataset", &io::load_dataset, py::arg("folder"),
        py::arg("options") = io::load_options(), release_gil(),
        "Loads a dataset folder; raises LoadError carrying every diagnostic.");
  m.def(
      "try_load_tables",
      [](const std::vector<std::pair<std::string, std::string>>& files,
         const io::load_options& options) {
        dataset out;
        io::load_report report = io::try_load_tables(files, out, options);
        return std::make_pair(std::move(report), std::move(out));
      },
      py::arg("files"), py::arg("options") = io::load_options(), release_gil(),
      "The same checks over CSV texts held in memory, (file name, content) pairs: (report, "
      "dataset).");
  m.def("is_snapshot_file", &io::is_snapshot_file, py::arg("path"));
  m.def("load", &io::load, py::arg("path"), py::arg("options") = io::load_options(), release_gil(),
        "Loads a dataset folder or a snapshot file.");

  m.def("save_snapshot", &io::save_snapshot, py::arg("data"), py::arg("path"), release_gil(),
        "Writes `data` as a binary snapshot file.");
  m.def("load_snapshot", &io::load_snapshot, py::arg("path"), release_gil(),
        "Reads a snapshot file.");

  py::class_<io::finding>(m, "Finding", "One data-quality problem of one row.")
      .def_readonly("rule", &io::finding::rule, "Stable rule id, e.g. 'SG320'.")
      .def_readonly("level", &io::finding::level)
      .def_readonly("table", &io::finding::table, "The table's file name, e.g. 'cases.csv'.")
      .def_readonly("line", &io::finding::line, "Row index + 2 (the header is line 1).")
      .def_readonly("record_id", &io::finding::record_id, "The row's id (or the one it refers to).")
      .def_readonly("message", &io::finding::message)
      .def("__str__", &io::finding::to_string)
      .def("__repr__",
           [](const io::finding& f) { return "<safeguard.Finding " + f.to_string() + ">"; });

  py::class_<io::validation_rule>(m, "ValidationRule", "A rule of validate().")
      .def_readonly("id", &io::validation_rule::id)
      .def_readonly("level", &io::validation_rule::level)
      .def_readonly("table", &io::validation_rule::table)
      .def_readonly("summary", &io::validation_rule::summary)
      .def("__repr__", [](const io::validation_rule& r) {
        return "<safeguard.ValidationRule " + std::string(r.id) + ": " + std::string(r.summary) +
               ">";
      });
  m.def("validation_rules", &io::validation_rules, py::return_value_policy::reference,
        "Every rule validate() applies, ordered by id.");

  py::class_<io::validation_options>(m, "ValidationOptions", "How to validate.")
      .def(py::init<>())
      .def_readwrite("max_findings_per_rule", &io::validation_options::max_findings_per_rule)
      .def_property(
          "as_of", [](const io::validation_options& o) { return to_date(o.as_of); },
          [](io::validation_options& o, py::handle d) { o.as_of = to_day_number(d); },
          "The day the data describes; None = the latest date of the children's records.");

  py::class_<io::rule_count>(m, "RuleCount", "How many findings one rule had.")
      .def_readonly("rule", &io::rule_count::rule)
      .def_readonly("count", &io::rule_count::count)
      .def_readonly("kept", &io::rule_count::kept);

  py::class_<io::validation_report>(m, "ValidationReport", "What validate() found.")
      .def_readonly("findings", &io::validation_report::findings)
      .def_readonly("counts", &io::validation_report::counts)
      .def_property_readonly("as_of",
                             [](const io::validation_report& r) { return to_date(r.as_of); })
      .def("total", &io::validation_report::total, "Every finding, kept or not.")
      .def("count", &io::validation_report::count, py::arg("rule"))
      .def("clean", &io::validation_report::clean, "True when nothing was found.");

  m.def("validate", &io::validate, py::arg("data"), py::arg("options") = io::validation_options(),
        release_gil(), "Checks a loaded dataset against every data-quality rule.");

  py::class_<io::generate_options>(m, "GenerateOptions", "What to generate.")
      .def(py::init<>())
      .def_readwrite("children", &io::generate_options::children)
      .def_readwrite("provinces", &io::generate_options::provinces)
      .def_readwrite("seed", &io::generate_options::seed)
      .def_readwrite("first_year", &io::generate_options::first_year)
      .def_readwrite("last_year", &io::generate_options::last_year);

  py::class_<io::table_summary>(m, "TableSummary", "One file written by the generator.")
      .def_readonly("file", &io::table_summary::file)
      .def_readonly("rows", &io::table_summary::rows, "Data rows, the header not counted.")
      .def_readonly("bytes", &io::table_summary::bytes, "Bytes written, the header included.")
      .def("__repr__", [](const io::table_summary& t) {
        return "<safeguard.TableSummary " + t.file + ": " + std::to_string(t.rows) + " rows>";
      });

  py::class_<io::generate_summary>(m, "GenerateSummary", "What generate_dataset wrote.")
      .def_readonly("tables", &io::generate_summary::tables, "One entry per file, in table order.")
      .def("rows", &io::generate_summary::rows, py::arg("file"),
           "The data rows of `file` (e.g. 'cases.csv'); 0 for a file not written.")
      .def("bytes", &io::generate_summary::bytes, "The bytes of every file together.")
      .def("__repr__", [](const io::generate_summary& g) {
        return "<safeguard.GenerateSummary: " + std::to_string(g.tables.size()) + " files, " +
               std::to_string(g.rows("children.csv")) + " children, " +
               std::to_string(g.rows("cases.csv")) + " cases, " + std::to_string(g.bytes()) +
               " bytes>";
      });

  m.attr("max_generated_provinces") = io::max_generated_provinces;
  m.def("generate_dataset", &io::generate_dataset, py::arg("out_dir"), py::arg("options"),
        release_gil(), "Writes a synthetic dataset into the folder `out_dir`.");
}

}  // namespace safeguard::python
