// engine/: catalogues of indicator definitions, compute requests, and the computed result as
// read-only numpy views of its columns; catalogue and expression errors become
// safeguard.IndicatorError. compute() releases the GIL once its arguments are converted.
#include <cmath>
#include <exception>
#include <limits>
#include <optional>
#include <string>

#include <pybind11/stl.h>

#include "bind.hpp"
#include "convert.hpp"
#include "safeguard/engine/catalogue.hpp"
#include "safeguard/engine/compute.hpp"
#include "safeguard/engine/expression.hpp"

namespace safeguard::python {

namespace py = pybind11;
using namespace safeguard::engine;

namespace {

template <class T>
void def_result_column(py::class_<result>& cls, const char* name, std::vector<T> result::*member,
                       const char* doc) {
  cls.def_property_readonly(
      name,
      [member](py::object self) { return column_view(self.cast<const result&>().*member, self); },
      doc);
}

void def_result_mask(py::class_<result>& cls, const char* name,
                     std::vector<std::uint8_t> result::*member, const char* doc) {
  cls.def_property_readonly(
      name,
      [member](py::object self) { return mask_view(self.cast<const result&>().*member, self); },
      doc);
}

}  // namespace

void bind_engine(py::module_& m) {
  py::class_<bilingual_text>(m, "BilingualText", "A text in Vietnamese and English.")
      .def_readonly("vi", &bilingual_text::vi)
      .def_readonly("en", &bilingual_text::en)
      .def("in_", &bilingual_text::in, py::arg("lang"),
           "The text in 'vi' or 'en', falling back to the other when empty.")
      .def("__str__", [](const bilingual_text& t) { return t.in("en"); })
      .def("__repr__", [](const bilingual_text& t) {
        return "<safeguard.BilingualText en='" + t.en + "' vi='" + t.vi + "'>";
      });

  py::enum_<placing_kind>(m, "PlacingKind", "How rows of a side are placed in a period.")
      .value("event", placing_kind::event, "A date column of the row falls in the period.")
      .value("stock", placing_kind::stock, "The row's state at the period's last day.")
      .value("year", placing_kind::year, "Population of the calendar year the period ends in.");

  py::class_<side_definition>(m, "SideDefinition",
                              "One side (numerator or denominator) as written in the catalogue.")
      .def_property_readonly(
          "table", [](const side_definition& s) { return std::string(table_name(s.table)); })
      .def_readonly("placing", &side_definition::placing)
      .def_readonly("date_column", &side_definition::date_column)
      .def_readonly("where", &side_definition::where, "Row filter; '' = every row.")
      .def_readonly("value", &side_definition::value, "e.g. 'count(distinct child_id)'.")
      .def_readonly("indicator", &side_definition::indicator,
                    "When set, this side is that indicator's numerator.")
      .def_readonly("line", &side_definition::line);

  py::class_<indicator_definition>(m, "IndicatorDefinition", "One indicator of a catalogue.")
      .def_readonly("code", &indicator_definition::code)
      .def_readonly("name", &indicator_definition::name)
      .def_readonly("description", &indicator_definition::description)
      .def_readonly("unit", &indicator_definition::unit)
      .def_readonly("numerator", &indicator_definition::numerator)
      .def_readonly("denominator", &indicator_definition::denominator)
      .def_readonly("factor", &indicator_definition::factor)
      .def_readonly("dimensions", &indicator_definition::dimensions)
      .def_readonly("min_age", &indicator_definition::min_age)
      .def_readonly("max_age", &indicator_definition::max_age)
      .def_readonly("legal_source", &indicator_definition::legal_source)
      .def_readonly("periodicity", &indicator_definition::periodicity)
      .def_readonly("lead_agency", &indicator_definition::lead_agency)
      .def_readonly("line", &indicator_definition::line)
      .def("__repr__", [](const indicator_definition& d) {
        return "<safeguard.IndicatorDefinition " + d.code + ": " + d.name.in("en") + ">";
      });

  py::class_<catalogue>(m, "Catalogue", "An ordered list of checked indicator definitions.")
      .def(py::init<>())
      .def_static("standard", &catalogue::standard, py::return_value_policy::copy,
                  "A copy of the standard catalogue embedded in the library.")
      .def_static("parse", &catalogue::parse, py::arg("yaml_text"), py::arg("source_name"),
                  py::arg("added_to") = nullptr,
                  "Parses and checks a catalogue text (whose references may name indicators of "
                  "`added_to`); raises IndicatorError.")
      .def_static("load", &catalogue::load, py::arg("path"), py::arg("added_to") = nullptr,
                  "Reads and checks a catalogue file; raises IndicatorError.")
      .def_static("check", &catalogue::check, py::arg("yaml_text"), py::arg("source_name"),
                  py::arg("added_to") = nullptr,
                  "Every problem of a catalogue text; empty when it is fine.")
      // Copies: merge() may reallocate the definitions, which would leave references dangling.
      .def_property_readonly("indicators", &catalogue::indicators, py::return_value_policy::copy,
                             "The indicator definitions, in order (copies).")
      .def("__len__", &catalogue::size)
      .def(
          "find",
          [](const catalogue& c, std::string_view code) -> std::optional<indicator_definition> {
            const indicator_definition* d = c.find(code);
            if (d == nullptr) return std::nullopt;
            return *d;
          },
          py::arg("code"), "The indicator with that code, or None.")
      .def("merge", &catalogue::merge, py::arg("other"),
           "Adds the indicators of `other`; a repeated code replaces the earlier definition.");

  m.def("check_catalogue_file", &check_catalogue_file, py::arg("path"),
        py::arg("added_to") = nullptr);
  m.def("known_dimensions", &known_dimensions, "The dimensions of the spec, in order.");

  py::class_<age_band>(m, "AgeBand", "An age band of a breakdown, both ends included.")
      .def(py::init([](int low, int high, std::string label) {
             return age_band{low, high, std::move(label)};
           }),
           py::arg("low"), py::arg("high"), py::arg("label"))
      .def_readonly("low", &age_band::low)
      .def_readonly("high", &age_band::high)
      .def_readonly("label", &age_band::label)
      .def("__repr__", [](const age_band& b) { return "<safeguard.AgeBand " + b.label + ">"; });
  m.def("default_age_bands", &default_age_bands, "0-5, 6-10, 11-15, 16-17.");
  m.def("parse_age_bands", &parse_age_bands, py::arg("text"), "Parses '0-5,6-10,...'.");

  py::class_<compute_request>(m, "ComputeRequest", "What to compute.")
      .def(py::init<>())
      .def_readwrite("periods", &compute_request::periods)
      .def_readwrite("levels", &compute_request::levels)
      .def_readwrite("by", &compute_request::by)
      .def_readwrite("indicators", &compute_request::indicators)
      .def_readwrite("age_bands", &compute_request::age_bands)
      .def_readwrite("honour_consent", &compute_request::honour_consent)
      .def_readwrite("threads", &compute_request::threads);

  py::class_<result> res(m, "Result",
                         "A computed indicator table, stored by columns (the spec's output "
                         "table), sorted by indicator, period, org-unit code and dimension "
                         "codes.");
  res.def_readonly("indicator_codes", &result::indicator_codes)
      .def_readonly("periods", &result::periods)
      .def_readonly("dimensions", &result::dimensions)
      .def_readonly("dimension_values", &result::dimension_values)
      .def_readonly("unit_codes", &result::unit_codes)
      .def_readonly("notes", &result::notes)
      .def("__len__", &result::size)
      .def_property_readonly(
          "dimension",
          [](py::object self) {
            const result& r = self.cast<const result&>();
            py::list out;
            for (const auto& column : r.dimension) out.append(column_view(column, self));
            return out;
          },
          "Per dimension, int32 positions into dimension_values (-1 = the missing-value cell).")
      .def(
          "achievement",
          [](const result& r, std::size_t i) -> std::optional<double> {
            if (i >= r.size()) throw py::index_error("row out of range");
            double out = 0;
            if (!r.achievement(i, out)) return std::nullopt;
            return out;
          },
          py::arg("i"),
          "Direction-aware achievement of row i: value / target (at_least), 1 or 0 (at_most); "
          "None without value or target.")
      .def(
          "achievements",
          [](const result& r) {
            py::array_t<double> out(static_cast<py::ssize_t>(r.size()));
            double* data = out.mutable_data();
            for (std::size_t i = 0; i < r.size(); ++i)
              if (!r.achievement(i, data[i])) data[i] = std::numeric_limits<double>::quiet_NaN();
            return out;
          },
          "achievement() of every row as a float64 array, NaN where there is none.");
  def_result_column(res, "indicator", &result::indicator, "uint32 positions in indicator_codes.");
  def_result_column(res, "period_index", &result::period_index, "uint32 positions in periods.");
  def_result_column(res, "org_unit", &result::org_unit, "int32 positions in unit_codes.");
  def_result_column(res, "numerator", &result::numerator, "float64; see has_numerator.");
  def_result_column(res, "denominator", &result::denominator, "float64; see has_denominator.");
  def_result_column(res, "value", &result::value, "float64; see has_value.");
  def_result_column(res, "target", &result::target, "float64; see has_target.");
  def_result_mask(res, "has_numerator", &result::has_numerator, "bool: numerator is valid.");
  def_result_mask(res, "has_denominator", &result::has_denominator, "bool.");
  def_result_mask(res, "has_value", &result::has_value, "bool.");
  def_result_mask(res, "has_target", &result::has_target, "bool.");
  def_result_mask(res, "target_at_most", &result::target_at_most,
                  "bool: the target's direction is at_most.");

  py::class_<prepared_dataset>(m, "PreparedDataset",
                               "A dataset with the indexes every computation needs, built once "
                               "(the org-unit tree, relations between tables, the case rules). "
                               "It keeps its Dataset alive; safe to use from several threads.")
      .def(py::init<const dataset&>(), py::arg("data"), py::keep_alive<1, 2>(),
           py::call_guard<py::gil_scoped_release>())
      .def_property_readonly("data", &prepared_dataset::data,
                             py::return_value_policy::reference_internal);

  m.def("compute",
        py::overload_cast<const prepared_dataset&, const catalogue&, const compute_request&>(
            &compute),
        py::arg("data"), py::arg("catalogue"), py::arg("request"),
        py::call_guard<py::gil_scoped_release>(),
        "Computes `request` over a prepared dataset with the indicators of `catalogue`.");
  m.def("compute",
        py::overload_cast<const dataset&, const catalogue&, const compute_request&>(&compute),
        py::arg("data"), py::arg("catalogue"), py::arg("request"),
        py::call_guard<py::gil_scoped_release>(),
        "Computes `request` over `data` (prepared for this one call).");

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const catalogue_error& e) {
      raise_python_error("IndicatorError", py::make_tuple(e.what(), e.diagnostics()));
    } catch (const expression_error& e) {
      py::dict fields;
      fields["line"] = e.line();
      fields["column"] = e.column();
      fields["expected"] = e.expected();
      fields["caret"] = e.caret();
      raise_python_error("IndicatorError", py::make_tuple(e.what()), fields);
    }
  });
}

}  // namespace safeguard::python
