// period/: periods named by DHIS2 ids or spans, period lists with relative periods, and the
// translation of period_error into safeguard.PeriodError. Days cross as datetime.date.
#include <exception>
#include <functional>
#include <string>
#include <string_view>

#include <pybind11/operators.h>
#include <pybind11/stl.h>

#include "bind.hpp"
#include "convert.hpp"
#include "safeguard/period/period.hpp"

namespace safeguard::python {

namespace py = pybind11;

void bind_period(py::module_& m) {
  py::enum_<period_type>(m, "PeriodType", "The kinds of period.")
      .value("day", period_type::day)
      .value("week", period_type::week)
      .value("month", period_type::month)
      .value("bi_month", period_type::bi_month)
      .value("quarter", period_type::quarter)
      .value("half_year", period_type::half_year)
      .value("year", period_type::year)
      .value("financial_april", period_type::financial_april)
      .value("financial_july", period_type::financial_july)
      .value("financial_october", period_type::financial_october)
      .value("financial_november", period_type::financial_november)
      .value("span", period_type::span);

  py::class_<period>(m, "Period",
                     "A period: its type, first and last day (both included) and canonical "
                     "id. Make one with Period.parse('2024Q1') (DHIS2 ids `2024`, `2024S1`, "
                     "`2024Q2`, `202406`, `202401B`, `2024W25`, `20240615`, `2024July`, or a "
                     "span `2024-01-01..2024-06-30`) or a factory such as Period.quarter(2024, 1).")
      .def_static("parse", &period::parse, py::arg("id"),
                  "Parses a period id or span exactly as written; raises PeriodError saying "
                  "what was expected.")
      .def_static(
          "day", [](py::handle d) { return period::day(to_day_number(d)); }, py::arg("date"),
          "The day `date` (a datetime.date or 'YYYY-MM-DD').")
      .def_static("week", &period::week, py::arg("iso_year"), py::arg("week"),
                  "ISO week `week` of ISO week-year `iso_year`.")
      .def_static("month", &period::month, py::arg("year"), py::arg("month"))
      .def_static("bi_month", &period::bi_month, py::arg("year"), py::arg("bi_month"))
      .def_static("quarter", &period::quarter, py::arg("year"), py::arg("quarter"))
      .def_static("half_year", &period::half_year, py::arg("year"), py::arg("half"))
      .def_static("year", &period::year, py::arg("year"))
      .def_static("financial_april", &period::financial_april, py::arg("start_year"))
      .def_static("financial_july", &period::financial_july, py::arg("start_year"))
      .def_static("financial_october", &period::financial_october, py::arg("start_year"))
      .def_static("financial_november", &period::financial_november, py::arg("start_year"))
      .def_static(
          "span",
          [](py::handle first, py::handle last) {
            return period::span(to_day_number(first), to_day_number(last));
          },
          py::arg("first"), py::arg("last"), "The days first..last, both included.")
      .def("shifted", &period::shifted, py::arg("n"),
           "The period `n` periods of the same type later (earlier when n < 0).")
      .def_property_readonly("type", &period::type)
      .def_property_readonly("id", &period::id, "The canonical id, e.g. '2024Q1'.")
      .def_property_readonly(
          "start", [](const period& p) { return to_date(p.start()); }, "The first day.")
      .def_property_readonly(
          "end", [](const period& p) { return to_date(p.end()); }, "The last day (included).")
      .def_property_readonly("days", &period::days, "The number of days.")
      .def(
          "contains", [](const period& p, py::handle d) { return p.contains(to_day_number(d)); },
          py::arg("date"), "True when start <= date <= end.")
      .def(py::self == py::self)
      .def(py::self != py::self)
      .def(py::self < py::self)
      .def("__hash__", [](const period& p) { return std::hash<std::string>()(p.id()); })
      .def("__str__", &period::id)
      .def("__repr__", [](const period& p) { return "Period('" + p.id() + "')"; });

  m.def(
      "parse_period_list",
      [](std::string_view text, py::handle reference) {
        return parse_period_list(text, to_day_number(reference));
      },
      py::arg("comma_separated"), py::arg("reference"),
      "Parses `2024Q1,LAST_12_MONTHS,...`: period ids, spans and relative periods expanded "
      "against the reference date. Keeps the order, drops exact duplicates; raises PeriodError "
      "naming the bad item.");
  m.def(
      "resolve_relative",
      [](std::string_view name, py::handle reference) {
        return resolve_relative(name, to_day_number(reference));
      },
      py::arg("name"), py::arg("reference"),
      "Expands a DHIS2 relative period (THIS_YEAR, LAST_12_MONTHS, ...) against a date.");
  m.def("is_relative_period", &is_relative_period, py::arg("name"));
  m.def(
      "relative_period_names",
      [] {
        std::vector<std::string> out;
        for (std::string_view n : relative_period_names()) out.emplace_back(n);
        return out;
      },
      "Every relative period name.");

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const period_error& e) {
      raise_python_error("PeriodError", py::make_tuple(e.what(), e.id(), e.expected()));
    }
  });
}

}  // namespace safeguard::python
