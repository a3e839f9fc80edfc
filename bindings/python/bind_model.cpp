// model/: the dataset and its tables, each column a read-only numpy view over the library's
// own vector (the view keeps the Dataset alive), string columns as StringColumn, and the code
// lists with their Vietnamese and English labels. safeguard/_pandas.py turns these columns into
// DataFrames.
#include <cstddef>
#include <string>
#include <vector>

#include <pybind11/stl.h>

#include "bind.hpp"
#include "convert.hpp"
#include "safeguard/model/codes.hpp"
#include "safeguard/model/dataset.hpp"

namespace safeguard::python {

namespace py = pybind11;

namespace {

// Binds `Table::*member` as a read-only numpy view named `name`.
template <class Table, class T>
void def_column(py::class_<Table>& cls, const char* name, std::vector<T> Table::*member,
                const char* doc) {
  cls.def_property_readonly(
      name,
      [member](py::object self) { return column_view(self.cast<const Table&>().*member, self); },
      doc);
}

template <class Table>
py::class_<Table> table_class(py::module_& m, const char* name, const char* doc) {
  py::class_<Table> cls(m, name, doc);
  cls.def("__len__", &Table::size, "The number of rows.");
  return cls;
}

py::list string_list(const string_column& column) {
  const std::size_t n = column.size();
  py::list out(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view s = column[i];
    PyObject* item =
        PyUnicode_DecodeUTF8(s.data(), static_cast<py::ssize_t>(s.size()), "surrogateescape");
    if (item == nullptr) throw py::error_already_set();
    PyList_SET_ITEM(out.ptr(), static_cast<py::ssize_t>(i), item);
  }
  return out;
}

}  // namespace

void bind_model(py::module_& m) {
  py::class_<code_entry>(m, "CodeEntry", "One code of a code list with its labels.")
      .def_readonly("code", &code_entry::code, "The code, e.g. 'physical_violence'.")
      .def_readonly("vi", &code_entry::vi, "The Vietnamese label.")
      .def_readonly("en", &code_entry::en, "The English label.")
      .def_readonly("group", &code_entry::group,
                    "The group (concern only: abuse, injury, risk, other); '' otherwise.")
      .def("__repr__", [](const code_entry& e) {
        return "<safeguard.CodeEntry " + std::string(e.code) + ": " + std::string(e.en) + ">";
      });

  py::class_<code_list>(m, "CodeList",
                        "A fixed code list of the dataset format, in the spec's order; a code "
                        "is stored as its position in it.")
      .def_property_readonly("name", &code_list::name, "e.g. 'concern'.")
      .def("__len__", &code_list::size)
      .def(
          "__getitem__",
          [](const code_list& l, std::size_t i) -> const code_entry& {
            if (i >= l.size()) throw py::index_error("code position out of range");
            return l[i];
          },
          py::return_value_policy::reference_internal)
      .def(
          "__iter__", [](const code_list& l) { return py::make_iterator(l.begin(), l.end()); },
          py::keep_alive<0, 1>())
      .def("find", &code_list::find, py::arg("text"),
           "The position of `text` in the list, or None when it is not one of its codes.")
      .def("__repr__", [](const code_list& l) {
        return "<safeguard.CodeList " + std::string(l.name()) + ": " + std::to_string(l.size()) +
               " codes>";
      });

  m.def(
      "all_code_lists",
      [] {
        std::size_t count = 0;
        const code_list* const* lists = codes::all(count);
        return std::vector<const code_list*>(lists, lists + count);
      },
      py::return_value_policy::reference, "Every code list of the dataset format.");
  m.def("group_of_concern", &codes::group_of_concern, py::arg("concern"),
        "The group of a concern (positions in concern / concern_group).");
  m.def("groups_of_concerns", &codes::groups_of_concerns, py::arg("concerns"),
        "The set of concern groups touched by a set of concerns (bit sets).");

  py::class_<string_column>(m, "StringColumn",
                            "Many strings in one buffer: row i is bytes[offsets[i]:offsets[i+1]].")
      .def("__len__", &string_column::size)
      .def("__getitem__",
           [](const string_column& c, std::size_t i) {
             if (i >= c.size()) throw py::index_error("row out of range");
             return std::string(c[i]);
           })
      .def("to_list", &string_list, "Every row as a str ('' for an empty cell).")
      .def_property_readonly(
          "bytes",
          [](py::object self) {
            const std::string& b = self.cast<const string_column&>().bytes();
            return readonly_view(py::dtype::of<std::uint8_t>(), b.data(), b.size(), self);
          },
          "The UTF-8 bytes of every row, back to back (numpy uint8 view).")
      .def_property_readonly(
          "offsets",
          [](py::object self) {
            return column_view(self.cast<const string_column&>().offsets(), self);
          },
          "size + 1 offsets into bytes (numpy uint64 view).");

  py::class_<dictionary>(m, "Dictionary",
                         "An open code list (ethnicity, programme): the distinct codes seen, in "
                         "first-seen order; columns hold positions in it, or -1.")
      .def_readonly("values", &dictionary::values);

  auto org_units = table_class<org_unit_table>(m, "OrgUnitTable", "org_units.csv.");
  org_units.def_readonly("code", &org_unit_table::code).def_readonly("name", &org_unit_table::name);
  def_column(org_units, "parent", &org_unit_table::parent, "Parent row (int32), -1 for a root.");
  def_column(org_units, "kind", &org_unit_table::kind, "org_unit_kind positions, 255 = none.");

  auto population = table_class<population_table>(m, "PopulationTable", "population.csv.");
  def_column(population, "org_unit", &population_table::org_unit, "Org-unit rows (int32).");
  def_column(population, "year", &population_table::year, "Calendar years (int16).");
  def_column(population, "sex", &population_table::sex, "sex positions (uint8).");
  def_column(population, "age", &population_table::age, "Ages 0..17 (uint8).");
  def_column(population, "count", &population_table::count, "Children (int64).");

  auto agencies = table_class<agency_table>(m, "AgencyTable", "agencies.csv.");
  agencies.def_readonly("code", &agency_table::code).def_readonly("name", &agency_table::name);
  def_column(agencies, "kind", &agency_table::kind, "agency_kind positions (uint8).");
  def_column(agencies, "org_unit", &agency_table::org_unit, "Org-unit rows (int32).");

  auto children = table_class<child_table>(m, "ChildTable", "children.csv.");
  children.def_readonly("id", &child_table::id)
      .def_readonly("ethnicities", &child_table::ethnicities);
  def_column(children, "birth_date", &child_table::birth_date, "Day numbers (int32).");
  def_column(children, "sex", &child_table::sex, "sex positions (uint8).");
  def_column(children, "org_unit", &child_table::org_unit, "Org-unit rows (int32).");
  def_column(children, "ethnicity", &child_table::ethnicity,
             "Positions in ethnicities (int32), -1 = missing.");
  def_column(children, "disability", &child_table::disability, "0, 1, or -1 = missing (int8).");
  def_column(children, "registered_date", &child_table::registered_date, "Day numbers (int32).");
  def_column(children, "exit_date", &child_table::exit_date,
             "Day numbers (int32), -2147483648 = missing.");
  def_column(children, "exit_reason", &child_table::exit_reason,
             "exit_reason positions, 255 = missing.");

  auto circumstances =
      table_class<circumstance_table>(m, "CircumstanceTable", "circumstances.csv.");
  def_column(circumstances, "child", &circumstance_table::child, "Child rows (int32).");
  def_column(circumstances, "circumstance", &circumstance_table::circumstance,
             "circumstance positions (uint8).");
  def_column(circumstances, "start_date", &circumstance_table::start_date, "Day numbers.");
  def_column(circumstances, "end_date", &circumstance_table::end_date, "Day numbers.");

  auto cases = table_class<case_table>(m, "CaseTable", "cases.csv.");
  cases.def_readonly("id", &case_table::id);
  def_column(cases, "child", &case_table::child, "Child rows (int32).");
  def_column(cases, "reported_date", &case_table::reported_date, "Day numbers (int32).");
  def_column(cases, "reported_minute", &case_table::reported_minute,
             "Minute of the day (int16), -1 when no time was given.");
  def_column(cases, "concerns", &case_table::concerns, "Bit sets over concern (uint32).");
  def_column(cases, "org_unit", &case_table::org_unit, "Org-unit rows (int32).");
  def_column(cases, "lead_agency", &case_table::lead_agency, "Agency rows (int32), -1 = none.");
  def_column(cases, "source", &case_table::source, "source positions, 255 = missing.");
  def_column(cases, "setting", &case_table::setting, "setting positions, 255 = missing.");
  def_column(cases, "perpetrator", &case_table::perpetrator,
             "perpetrator positions, 255 = missing.");
  def_column(cases, "level", &case_table::level, "protection_level positions, 255 = missing.");
  def_column(cases, "risk", &case_table::risk, "risk positions, 255 = missing.");
  def_column(cases, "outcome", &case_table::outcome, "outcome positions, 255 = missing.");
  def_column(cases, "incident_date", &case_table::incident_date, "Day numbers.");
  def_column(cases, "emergency_date", &case_table::emergency_date, "Day numbers.");
  def_column(cases, "emergency_minute", &case_table::emergency_minute,
             "Minute of the day (int16), -1 when no time was given.");
  def_column(cases, "assessed_date", &case_table::assessed_date, "Day numbers.");
  def_column(cases, "plan_date", &case_table::plan_date, "Day numbers.");
  def_column(cases, "closed_date", &case_table::closed_date, "Day numbers.");
  def_column(cases, "closure_reason", &case_table::closure_reason,
             "closure_reason positions, 255 = missing.");
  def_column(cases, "consent_reporting", &case_table::consent_reporting, "0 or 1 (int8).");

  auto services = table_class<service_table>(m, "ServiceTable", "services.csv.");
  def_column(services, "case_", &service_table::case_, "Case rows (int32).");
  def_column(services, "date", &service_table::date, "Day numbers.");
  def_column(services, "service", &service_table::service, "service positions (uint8).");
  def_column(services, "agency", &service_table::agency, "Agency rows (int32), -1 = none.");
  def_column(services, "referred", &service_table::referred, "0, 1, or -1 = missing (int8).");

  auto activities = table_class<activity_table>(m, "ActivityTable", "activities.csv.");
  activities.def_readonly("id", &activity_table::id)
      .def_readonly("programmes", &activity_table::programmes);
  def_column(activities, "agency", &activity_table::agency, "Agency rows (int32).");
  def_column(activities, "kind", &activity_table::kind, "activity_kind positions (uint8).");
  def_column(activities, "start_date", &activity_table::start_date, "Day numbers.");
  def_column(activities, "end_date", &activity_table::end_date, "Day numbers.");
  def_column(activities, "org_unit", &activity_table::org_unit, "Org-unit rows (int32).");
  def_column(activities, "topics", &activity_table::topics, "Bit sets over topic (uint32).");
  def_column(activities, "audiences", &activity_table::audiences,
             "Bit sets over audience (uint32).");
  def_column(activities, "sessions", &activity_table::sessions, "int64.");
  def_column(activities, "participants", &activity_table::participants, "int64.");
  def_column(activities, "child_participants", &activity_table::child_participants, "int64.");
  def_column(activities, "quantity", &activity_table::quantity, "int64.");
  def_column(activities, "programme", &activity_table::programme,
             "Positions in programmes (int32), -1 = missing.");

  auto plans = table_class<plan_table>(m, "PlanTable", "plans.csv.");
  plans.def_readonly("id", &plan_table::id)
      .def_readonly("title", &plan_table::title)
      .def_readonly("programmes", &plan_table::programmes);
  def_column(plans, "agency", &plan_table::agency, "Agency rows (int32).");
  def_column(plans, "start_date", &plan_table::start_date, "Day numbers.");
  def_column(plans, "end_date", &plan_table::end_date, "Day numbers.");
  def_column(plans, "org_unit", &plan_table::org_unit, "Org-unit rows (int32).");
  def_column(plans, "programme", &plan_table::programme,
             "Positions in programmes (int32), -1 = missing.");

  auto targets = table_class<target_table>(m, "TargetTable", "targets.csv.");
  targets.def_readonly("indicator", &target_table::indicator)
      .def_readonly("period", &target_table::period);
  def_column(targets, "plan", &target_table::plan, "Plan rows (int32).");
  def_column(targets, "value", &target_table::value, "float64.");
  def_column(targets, "direction", &target_table::direction, "direction positions (uint8).");
  def_column(targets, "org_unit", &target_table::org_unit, "Org-unit rows (int32).");
  def_column(targets, "period_start", &target_table::period_start, "Day numbers.");
  def_column(targets, "period_end", &target_table::period_end, "Day numbers.");

  auto holidays = table_class<holiday_table>(m, "HolidayTable", "holidays.csv.");
  holidays.def_readonly("name", &holiday_table::name);
  def_column(holidays, "date", &holiday_table::date, "Day numbers.");

  py::class_<dataset>(m, "Dataset", "Every table of one dataset, as columns.")
      .def(py::init<>(), "An empty dataset.")
      .def_readonly("org_units", &dataset::org_units)
      .def_readonly("population", &dataset::population)
      .def_readonly("agencies", &dataset::agencies)
      .def_readonly("children", &dataset::children)
      .def_readonly("circumstances", &dataset::circumstances)
      .def_readonly("cases", &dataset::cases)
      .def_readonly("services", &dataset::services)
      .def_readonly("activities", &dataset::activities)
      .def_readonly("plans", &dataset::plans)
      .def_readonly("targets", &dataset::targets)
      .def_readonly("holidays", &dataset::holidays);
}

}  // namespace safeguard::python
