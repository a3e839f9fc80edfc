# Type stub of the private extension module safeguard._safeguard (bindings/python/bind_*.cpp).
# Names follow the C++ library (safeguard::, io::, engine::, output::), flattened into one
# module. Users import the package `safeguard`; this stub is for type checkers and editors.

import datetime
import enum
from typing import Iterator, List, Optional, Sequence, Tuple, Union, overload

import numpy as np
import numpy.typing as npt

DateLike = Union[datetime.date, str, None]

version_string: str
dataset_format_version: int
max_generated_provinces: int

# -- version.hpp, error.hpp -----------------------------------------------------------------

class Severity(enum.Enum):
    warning: int
    error: int

class Diagnostic:
    code: str
    level: Severity
    file: str
    line: int
    column: int
    column_name: str
    value: str
    expected: str
    record_id: str

# -- model/ ---------------------------------------------------------------------------------

class CodeEntry:
    code: str
    vi: str
    en: str
    group: str

class CodeList:
    name: str
    def __len__(self) -> int: ...
    def __getitem__(self, i: int) -> CodeEntry: ...
    def __iter__(self) -> Iterator[CodeEntry]: ...
    def find(self, text: str) -> Optional[int]: ...

def all_code_lists() -> List[CodeList]: ...
def group_of_concern(concern: int) -> int: ...
def groups_of_concerns(concerns: int) -> int: ...

class StringColumn:
    def __len__(self) -> int: ...
    def __getitem__(self, i: int) -> str: ...
    def to_list(self) -> List[str]: ...
    @property
    def bytes(self) -> npt.NDArray[np.uint8]: ...
    @property
    def offsets(self) -> npt.NDArray[np.uint64]: ...

class Dictionary:
    values: List[str]

class OrgUnitTable:
    code: StringColumn
    name: StringColumn
    parent: npt.NDArray[np.int32]
    kind: npt.NDArray[np.uint8]
    def __len__(self) -> int: ...

class PopulationTable:
    org_unit: npt.NDArray[np.int32]
    year: npt.NDArray[np.int16]
    sex: npt.NDArray[np.uint8]
    age: npt.NDArray[np.uint8]
    count: npt.NDArray[np.int64]
    def __len__(self) -> int: ...

class AgencyTable:
    code: StringColumn
    name: StringColumn
    kind: npt.NDArray[np.uint8]
    org_unit: npt.NDArray[np.int32]
    def __len__(self) -> int: ...

class ChildTable:
    id: StringColumn
    birth_date: npt.NDArray[np.int32]
    sex: npt.NDArray[np.uint8]
    org_unit: npt.NDArray[np.int32]
    ethnicity: npt.NDArray[np.int32]
    ethnicities: Dictionary
    disability: npt.NDArray[np.int8]
    registered_date: npt.NDArray[np.int32]
    exit_date: npt.NDArray[np.int32]
    exit_reason: npt.NDArray[np.uint8]
    def __len__(self) -> int: ...

class CircumstanceTable:
    child: npt.NDArray[np.int32]
    circumstance: npt.NDArray[np.uint8]
    start_date: npt.NDArray[np.int32]
    end_date: npt.NDArray[np.int32]
    def __len__(self) -> int: ...

class CaseTable:
    id: StringColumn
    child: npt.NDArray[np.int32]
    reported_date: npt.NDArray[np.int32]
    reported_minute: npt.NDArray[np.int16]
    concerns: npt.NDArray[np.uint32]
    org_unit: npt.NDArray[np.int32]
    lead_agency: npt.NDArray[np.int32]
    source: npt.NDArray[np.uint8]
    setting: npt.NDArray[np.uint8]
    perpetrator: npt.NDArray[np.uint8]
    level: npt.NDArray[np.uint8]
    risk: npt.NDArray[np.uint8]
    outcome: npt.NDArray[np.uint8]
    incident_date: npt.NDArray[np.int32]
    emergency_date: npt.NDArray[np.int32]
    emergency_minute: npt.NDArray[np.int16]
    assessed_date: npt.NDArray[np.int32]
    plan_date: npt.NDArray[np.int32]
    closed_date: npt.NDArray[np.int32]
    closure_reason: npt.NDArray[np.uint8]
    consent_reporting: npt.NDArray[np.int8]
    def __len__(self) -> int: ...

class ServiceTable:
    case_: npt.NDArray[np.int32]
    date: npt.NDArray[np.int32]
    service: npt.NDArray[np.uint8]
    agency: npt.NDArray[np.int32]
    referred: npt.NDArray[np.int8]
    def __len__(self) -> int: ...

class ActivityTable:
    id: StringColumn
    agency: npt.NDArray[np.int32]
    kind: npt.NDArray[np.uint8]
    start_date: npt.NDArray[np.int32]
    end_date: npt.NDArray[np.int32]
    org_unit: npt.NDArray[np.int32]
    topics: npt.NDArray[np.uint32]
    audiences: npt.NDArray[np.uint32]
    sessions: npt.NDArray[np.int64]
    participants: npt.NDArray[np.int64]
    child_participants: npt.NDArray[np.int64]
    quantity: npt.NDArray[np.int64]
    programme: npt.NDArray[np.int32]
    programmes: Dictionary
    def __len__(self) -> int: ...

class PlanTable:
    id: StringColumn
    agency: npt.NDArray[np.int32]
    title: StringColumn
    start_date: npt.NDArray[np.int32]
    end_date: npt.NDArray[np.int32]
    org_unit: npt.NDArray[np.int32]
    programme: npt.NDArray[np.int32]
    programmes: Dictionary
    def __len__(self) -> int: ...

class TargetTable:
    plan: npt.NDArray[np.int32]
    indicator: StringColumn
    value: npt.NDArray[np.float64]
    direction: npt.NDArray[np.uint8]
    org_unit: npt.NDArray[np.int32]
    period: StringColumn
    period_start: npt.NDArray[np.int32]
    period_end: npt.NDArray[np.int32]
    def __len__(self) -> int: ...

class HolidayTable:
    date: npt.NDArray[np.int32]
    name: StringColumn
    def __len__(self) -> int: ...

class Dataset:
    def __init__(self) -> None: ...
    org_units: OrgUnitTable
    population: PopulationTable
    agencies: AgencyTable
    children: ChildTable
    circumstances: CircumstanceTable
    cases: CaseTable
    services: ServiceTable
    activities: ActivityTable
    plans: PlanTable
    targets: TargetTable
    holidays: HolidayTable

# -- period/ --------------------------------------------------------------------------------

class PeriodType(enum.Enum):
    day: int
    week: int
    month: int
    bi_month: int
    quarter: int
    half_year: int
    year: int
    financial_april: int
    financial_july: int
    financial_october: int
    financial_november: int
    span: int

class Period:
    @staticmethod
    def parse(id: str) -> Period: ...
    @staticmethod
    def day(date: DateLike) -> Period: ...
    @staticmethod
    def week(iso_year: int, week: int) -> Period: ...
    @staticmethod
    def month(year: int, month: int) -> Period: ...
    @staticmethod
    def bi_month(year: int, bi_month: int) -> Period: ...
    @staticmethod
    def quarter(year: int, quarter: int) -> Period: ...
    @staticmethod
    def half_year(year: int, half: int) -> Period: ...
    @staticmethod
    def year(year: int) -> Period: ...
    @staticmethod
    def financial_april(start_year: int) -> Period: ...
    @staticmethod
    def financial_july(start_year: int) -> Period: ...
    @staticmethod
    def financial_october(start_year: int) -> Period: ...
    @staticmethod
    def financial_november(start_year: int) -> Period: ...
    @staticmethod
    def span(first: DateLike, last: DateLike) -> Period: ...
    def shifted(self, n: int) -> Period: ...
    @property
    def type(self) -> PeriodType: ...
    @property
    def id(self) -> str: ...
    @property
    def start(self) -> datetime.date: ...
    @property
    def end(self) -> datetime.date: ...
    @property
    def days(self) -> int: ...
    def contains(self, date: DateLike) -> bool: ...
    def __lt__(self, other: Period) -> bool: ...
    def __hash__(self) -> int: ...

def parse_period_list(comma_separated: str, reference: DateLike) -> List[Period]: ...
def resolve_relative(name: str, reference: DateLike) -> List[Period]: ...
def is_relative_period(name: str) -> bool: ...
def relative_period_names() -> List[str]: ...

# -- io/ ------------------------------------------------------------------------------------

class LoadOptions:
    def __init__(self) -> None: ...
    max_errors: int
    threads: int

class LoadReport:
    def __init__(self) -> None: ...
    diagnostics: List[Diagnostic]
    def ok(self) -> bool: ...
    def error_count(self) -> int: ...
    def warning_count(self) -> int: ...

def table_file_names() -> List[str]: ...
def try_load_dataset(folder: str, options: LoadOptions = ...) -> Tuple[LoadReport, Dataset]: ...
def load_dataset(folder: str, options: LoadOptions = ...) -> Dataset: ...
def try_load_tables(files: Sequence[Tuple[str, str]],
                    options: LoadOptions = ...) -> Tuple[LoadReport, Dataset]: ...
def is_snapshot_file(path: str) -> bool: ...
def load(path: str, options: LoadOptions = ...) -> Dataset: ...
def save_snapshot(data: Dataset, path: str) -> None: ...
def load_snapshot(path: str) -> Dataset: ...

class Finding:
    rule: str
    level: Severity
    table: str
    line: int
    record_id: str
    message: str

class ValidationRule:
    id: str
    level: Severity
    table: str
    summary: str

def validation_rules() -> List[ValidationRule]: ...

class ValidationOptions:
    def __init__(self) -> None: ...
    max_findings_per_rule: int
    as_of: Optional[datetime.date]

class RuleCount:
    rule: str
    count: int
    kept: int

class ValidationReport:
    findings: List[Finding]
    counts: List[RuleCount]
    @property
    def as_of(self) -> Optional[datetime.date]: ...
    def total(self) -> int: ...
    def count(self, rule: str) -> int: ...
    def clean(self) -> bool: ...

def validate(data: Dataset, options: ValidationOptions = ...) -> ValidationReport: ...

class GenerateOptions:
    def __init__(self) -> None: ...
    children: int
    provinces: int
    seed: int
    first_year: int
    last_year: int

class TableSummary:
    file: str
    rows: int
    bytes: int

class GenerateSummary:
    tables: List[TableSummary]
    def rows(self, file: str) -> int: ...
    def bytes(self) -> int: ...

def generate_dataset(out_dir: str, options: GenerateOptions) -> GenerateSummary: ...

# -- engine/ --------------------------------------------------------------------------------

class BilingualText:
    vi: str
    en: str
    def in_(self, lang: str) -> str: ...

class PlacingKind(enum.Enum):
    event: int
    stock: int
    year: int

class SideDefinition:
    @property
    def table(self) -> str: ...
    placing: PlacingKind
    date_column: str
    where: str
    value: str
    indicator: str
    line: int

class IndicatorDefinition:
    code: str
    name: BilingualText
    description: BilingualText
    unit: str
    numerator: SideDefinition
    denominator: Optional[SideDefinition]
    factor: float
    dimensions: List[str]
    min_age: int
    max_age: int
    legal_source: str
    periodicity: str
    lead_agency: str
    line: int

class Catalogue:
    def __init__(self) -> None: ...
    @staticmethod
    def standard() -> Catalogue: ...
    @staticmethod
    def parse(yaml_text: str, source_name: str, added_to: Optional[Catalogue] = None) -> Catalogue: ...
    @staticmethod
    def load(path: str, added_to: Optional[Catalogue] = None) -> Catalogue: ...
    @staticmethod
    def check(yaml_text: str, source_name: str, added_to: Optional[Catalogue] = None) -> List[Diagnostic]: ...
    @property
    def indicators(self) -> List[IndicatorDefinition]: ...
    def __len__(self) -> int: ...
    def find(self, code: str) -> Optional[IndicatorDefinition]: ...
    def merge(self, other: Catalogue) -> None: ...

def check_catalogue_file(path: str, added_to: Optional[Catalogue] = None) -> List[Diagnostic]: ...
def known_dimensions() -> List[str]: ...

class AgeBand:
    def __init__(self, low: int, high: int, label: str) -> None: ...
    low: int
    high: int
    label: str

def default_age_bands() -> List[AgeBand]: ...
def parse_age_bands(text: str) -> List[AgeBand]: ...

class ComputeRequest:
    def __init__(self) -> None: ...
    periods: List[Period]
    levels: List[int]
    by: List[str]
    indicators: List[str]
    age_bands: List[AgeBand]
    honour_consent: bool
    threads: int

class Result:
    indicator_codes: List[str]
    periods: List[Period]
    dimensions: List[str]
    dimension_values: List[List[str]]
    unit_codes: List[str]
    notes: List[str]
    def __len__(self) -> int: ...
    @property
    def dimension(self) -> List[npt.NDArray[np.int32]]: ...
    def achievement(self, i: int) -> Optional[float]: ...
    def achievements(self) -> npt.NDArray[np.float64]: ...
    indicator: npt.NDArray[np.uint32]
    period_index: npt.NDArray[np.uint32]
    org_unit: npt.NDArray[np.int32]
    numerator: npt.NDArray[np.float64]
    denominator: npt.NDArray[np.float64]
    value: npt.NDArray[np.float64]
    target: npt.NDArray[np.float64]
    has_numerator: npt.NDArray[np.bool_]
    has_denominator: npt.NDArray[np.bool_]
    has_value: npt.NDArray[np.bool_]
    has_target: npt.NDArray[np.bool_]
    target_at_most: npt.NDArray[np.bool_]

class PreparedDataset:
    def __init__(self, data: Dataset) -> None: ...
    @property
    def data(self) -> Dataset: ...

@overload
def compute(data: PreparedDataset, catalogue: Catalogue, request: ComputeRequest) -> Result: ...
@overload
def compute(data: Dataset, catalogue: Catalogue, request: ComputeRequest) -> Result: ...

# -- engine/partition.hpp (bind_partition.cpp, for safeguard.dask) ---------------------------

def request_fingerprint(result: Result, request: ComputeRequest) -> str: ...
def serialize_result(result: Result, request: ComputeRequest) -> bytes: ...
def deserialize_result(data: bytes) -> Result: ...
def merge_results(parts: Sequence[Result]) -> Result: ...
def merge_serialized(parts: Sequence[bytes]) -> Result: ...
def split_dataset_by_root(data: Dataset, out_dir: str) -> List[str]: ...

# -- output/ --------------------------------------------------------------------------------

def to_csv(result: Result) -> str: ...
def to_json(result: Result) -> str: ...
def format_number(x: float) -> str: ...
