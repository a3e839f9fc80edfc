// The whole public API of safeguard in one include.
#pragma once

#include "safeguard/engine/catalogue.hpp"    // catalogue files and the standard catalogue
#include "safeguard/engine/compute.hpp"      // compute requests, prepared datasets, results
#include "safeguard/engine/expression.hpp"   // the indicator language
#include "safeguard/error.hpp"               // safeguard::error, diagnostics, load_error
#include "safeguard/hierarchy/hierarchy.hpp" // the org-unit tree
#include "safeguard/io/csv.hpp"              // the CSV reader
#include "safeguard/io/generate.hpp"         // the synthetic data generator
#include "safeguard/io/load.hpp"             // loading dataset folders (and snapshots)
#include "safeguard/io/snapshot.hpp"         // binary snapshots
#include "safeguard/io/validate.hpp"         // data-quality findings
#include "safeguard/model/calendar.hpp"      // day numbers, ages, ISO dates
#include "safeguard/model/codes.hpp"         // code lists with Vietnamese and English labels
#include "safeguard/model/dataset.hpp"       // the tables as columns
#include "safeguard/model/views.hpp"         // per-entity views for C++ users
#include "safeguard/output/table.hpp"        // the output table as CSV and JSON
#include "safeguard/period/period.hpp"       // DHIS2 period ids and relative periods
#include "safeguard/progress.hpp"            // progress callbacks
#include "safeguard/version.hpp"             // the version
