/* The configuration keys as data: one table row per key (path, type, field, range,
 * default, meaning). The loader, `config show`, `config keys` and docs/CONFIG.md all
 * come from these tables, so they cannot disagree. */
#include <stddef.h>

#include "config_internal.h"
#include "paymatch/progress.h"

/* ---- compound values (read in config_walk.c, written in config_print.c) ---- */

const struct config_key BUCKET_DAYS_KEY = {
	.path = "aging.buckets[]", .type = &CK_INT, .min = 1, .max = 36500,
	.doc = "Upper bound of one bucket in days."
};

static void buckets_describe(struct strbuf *out, const struct config_key *k)
{
	strbuf_addf(out, "a list of %.0f to %.0f increasing whole numbers of days, each between "
	            "%.0f and %.0f", k->min, k->max, BUCKET_DAYS_KEY.min, BUCKET_DAYS_KEY.max);
}

static void reasons_describe(struct strbuf *out, const struct config_key *k)
{
	strbuf_addf(out, "a list of 1 to %.0f mappings with a code and a label", k->max);
}

static void profiles_describe(struct strbuf *out, const struct config_key *k)
{
	(void)k;
	strbuf_addstr(out, "a mapping of profile names (letters, digits, '_', '-', '.') to "
	              "profiles");
}

static void columns_describe(struct strbuf *out, const struct config_key *k)
{
	(void)k;
	strbuf_addstr(out, "a mapping of native column names to the source file's header text");
}

static const struct ck_type CK_BUCKETS = { .walk = cw_walk_buckets, .print = cw_print_buckets,
	                                   .describe = buckets_describe };
static const struct ck_type CK_REASONS = { .walk = cw_walk_reasons, .print = cw_print_reasons,
	                                   .describe = reasons_describe };
static const struct ck_type CK_PROFILES = { .walk = cw_walk_profiles,
	                                    .print = cw_print_profiles,
	                                    .describe = profiles_describe };
static const struct ck_type CK_COLUMNS = { .walk = cw_walk_columns, .print = cw_print_columns,
	                                   .describe = columns_describe };

/* ---- the vocabularies of enumerated keys (first name of a value = canonical) ---- */

static const struct ck_name BASIS_NAMES[] = {
	{ "due_date", 0 }, { "invoice_date", 1 }, { NULL, 0 }
};
static const struct ck_name KIND_NAMES[] = {
	{ "any", -1 }, { "invoices", IMPORT_INVOICES }, { "payments", IMPORT_PAYMENTS }, { NULL, 0 }
};
static const struct ck_name DELIMITER_NAMES[] = {
	{ "comma", ',' }, { ",", ',' }, { "semicolon", ';' }, { ";", ';' }, { "tab", '\t' },
	{ "\t", '\t' }, { "\\t", '\t' }, { "pipe", '|' }, { "|", '|' }, { "auto", 0 }, { NULL, 0 }
};
static const struct ck_name DECIMAL_NAMES[] = {
	{ ".", '.' }, { "dot", '.' }, { ",", ',' }, { "comma", ',' }, { NULL, 0 }
};
static const struct ck_name THOUSANDS_NAMES[] = {
	{ "none", 0 }, { "", 0 }, { ",", ',' }, { "comma", ',' }, { ".", '.' }, { "dot", '.' },
	{ " ", ' ' }, { "space", ' ' }, { "'", '\'' }, { "apostrophe", '\'' }, { NULL, 0 }
};
static const struct ck_name DATE_NAMES[] = {
	{ "auto", DATE_AUTO }, { "iso", DATE_ISO }, { "dd.mm.yyyy", DATE_DMY_DOT },
	{ "mm/dd/yyyy", DATE_MDY_SLASH }, { "dd/mm/yyyy", DATE_DMY_SLASH }, { NULL, 0 }
};
static const struct ck_name ENCODING_NAMES[] = {
	{ "utf-8", 0 }, { "utf8", 0 }, { "latin-1", 1 }, { "latin1", 1 }, { "iso-8859-1", 1 },
	{ NULL, 0 }
};

const struct native_column NATIVE_COLUMNS[NATIVE_NAMES] = {
	{ "invoice_id", INV_INVOICE_ID, -1 },
	{ "customer_id", INV_CUSTOMER_ID, PAY_CUSTOMER_ID },
	{ "customer_name", INV_CUSTOMER_NAME, -1 },
	{ "invoice_date", INV_INVOICE_DATE, -1 },
	{ "due_date", INV_DUE_DATE, -1 },
	{ "amount", INV_AMOUNT, PAY_AMOUNT },
	{ "currency", INV_CURRENCY, PAY_CURRENCY },
	{ "reference_number", INV_REFERENCE, PAY_REFERENCE },
	{ "payment_id", -1, PAY_PAYMENT_ID },
	{ "payment_date", -1, PAY_PAYMENT_DATE },
	{ "payer_name", -1, PAY_PAYER_NAME },
	{ "memo", -1, PAY_MEMO },
};

/* ---- the tables ---- */

#define CFG(field) offsetof(struct pm_config, field)
#define PRO(field) offsetof(struct profile_build, p.field)
#define RSN(field) offsetof(struct writeoff_reason, field)

const struct config_key CONFIG_KEYS[] = {
	{ .path = "performance.chunk_size", .type = &CK_INT, .offset = CFG(performance.chunk_size),
	  .min = 1, .max = 10000000, .def = "10000",
	  .doc = "Rows per chunk: import batches and matching work units." },
	{ .path = "performance.parallel_workers", .type = &CK_INT,
	  .offset = CFG(performance.parallel_workers), .min = 0, .max = PM_MAX_WORKERS,
	  .def = "0", .doc = "Matching worker threads; 0 means one per online CPU." },
	{ .path = "performance.max_memory_usage", .type = &CK_MEMSIZE,
	  .offset = CFG(performance.max_memory_usage_mb), .min = 16, .max = 1048576,
	  .def = "512MB",
	  .doc = "Soft cap for in-memory matching state (1GB = 1024MB)." },
	{ .path = "performance.busy_timeout_ms", .type = &CK_INT,
	  .offset = CFG(performance.busy_timeout_ms), .min = 0, .max = 3600000, .def = "5000",
	  .doc = "How long to wait for another session's write before giving up (exit 75)." },
	{ .path = "matching.confidence_threshold", .type = &CK_NUMBER,
	  .offset = CFG(matching.confidence_threshold), .min = 0, .max = 1, .def = "0.75",
	  .doc = "Candidates below this confidence are not proposed." },
	{ .path = "matching.auto_accept", .type = &CK_NUMBER, .offset = CFG(matching.auto_accept),
	  .min = 0, .max = 1, .def = "0.95",
	  .doc = "At or above this confidence a unique best match is accepted automatically "
	         "(must not be below confidence_threshold)." },
	{ .path = "matching.auto_margin", .type = &CK_NUMBER, .offset = CFG(matching.auto_margin),
	  .min = 0, .max = 1, .def = "0.05",
	  .doc = "An automatic match must beat the runner-up by this much." },
	{ .path = "matching.fuzzy_threshold", .type = &CK_NUMBER,
	  .offset = CFG(matching.fuzzy_threshold), .min = 0, .max = 1, .def = "0.8",
	  .doc = "Minimum payer-name similarity for name evidence to count." },
	{ .path = "matching.name_only_cap", .type = &CK_NUMBER,
	  .offset = CFG(matching.name_only_cap), .min = 0, .max = 1, .def = "0.9",
	  .doc = "Confidence cap for name-only evidence (must be below auto_accept, so a name "
	         "can suggest but never decide)." },
	{ .path = "matching.batch_size", .type = &CK_INT, .offset = CFG(matching.batch_size),
	  .min = 1, .max = 1000000, .def = "1000",
	  .doc = "Allocations written per statement batch." },
	{ .path = "matching.tolerance", .type = &CK_MONEY, .offset = CFG(matching.tolerance_minor),
	  .min = 0, .max = 100000000, .def = "\"5.00\"",
	  .doc = "Absolute short-pay tolerance, written in major units of a 2-decimal currency "
	         "(\"5.00\" = 500 minor units); the same count of minor units applies in every "
	         "currency." },
	{ .path = "matching.tolerance_percent", .type = &CK_NUMBER,
	  .offset = CFG(matching.tolerance_percent), .min = 0, .max = 100, .def = "2.0",
	  .doc = "Short-pay tolerance as a percentage of the invoice amount." },
	{ .path = "matching.date_window_days", .type = &CK_INT,
	  .offset = CFG(matching.date_window_days), .min = 0, .max = 3650, .def = "120",
	  .doc = "A payment may be dated up to this many days after the invoice date." },
	{ .path = "matching.early_days", .type = &CK_INT, .offset = CFG(matching.early_days),
	  .min = 0, .max = 3650, .def = "10",
	  .doc = "... or up to this many days before it." },
	{ .path = "matching.duplicate_window_days", .type = &CK_INT,
	  .offset = CFG(matching.duplicate_window_days), .min = 0, .max = 365, .def = "5",
	  .doc = "Same payer, amount and reference within this many days is a duplicate." },
	{ .path = "matching.subset_max_k", .type = &CK_INT, .offset = CFG(matching.subset_max_k),
	  .min = 1, .max = 8, .def = "6",
	  .doc = "Most invoices one payment may combine (subset-sum search)." },
	{ .path = "matching.subset_budget", .type = &CK_INT, .offset = CFG(matching.subset_budget),
	  .min = 0, .max = 1000000000, .def = "200000",
	  .doc = "Search steps per payment for the subset-sum search (0 turns it off)." },
	{ .path = "matching.max_typos", .type = &CK_INT, .offset = CFG(matching.max_typos),
	  .min = 0, .max = 2, .def = "1",
	  .doc = "Reference edit distance accepted (typos and transpositions)." },
	{ .path = "import.profiles", .type = &CK_PROFILES, .def = "{}",
	  .doc = "Import profiles by name, chosen with `import --profile NAME`; their keys "
	         "are listed under import.profiles.NAME." },
	{ .path = "aging.buckets", .type = &CK_BUCKETS, .min = 1,
	  .max = sizeof ((struct pm_config *)0)->aging.buckets / sizeof(int64_t),
	  .def = "[30, 60, 90, 120]",
	  .doc = "Upper bounds of the aging buckets in days past due; a last bucket holds "
	         "everything older." },
	{ .path = "aging.basis", .type = &CK_ENUM, .offset = CFG(aging.basis_invoice_date),
	  .names = BASIS_NAMES, .store = CK_STORE_BOOL, .def = "due_date",
	  .doc = "Count days past the due date or past the invoice date." },
	{ .path = "ui.theme", .type = &CK_STRING, .offset = CFG(ui.theme), .min = 1, .max = 4096,
	  .def = "\"default\"",
	  .doc = "Theme name (default, dark, light, high-contrast, mono) or a path to a theme "
	         "file; --theme overrides it." },
	{ .path = "ui.mouse", .type = &CK_BOOL, .offset = CFG(ui.mouse), .def = "false",
	  .doc = "Use the mouse in the full-screen UI (off keeps the terminal's own selection)." },
	{ .path = "ui.refresh_ms", .type = &CK_INT, .offset = CFG(ui.refresh_ms), .min = 10,
	  .max = 10000, .def = "100", .doc = "Progress and refresh period of the UI." },
	{ .path = "ui.writeoff_reasons", .type = &CK_REASONS, .min = 1, .max = 64,
	  .def = "[{code: BANK_FEE, label: \"Bank fee\"}, "
	         "{code: DISCOUNT, label: \"Early-payment discount\"}, "
	         "{code: SMALL_DIFF, label: \"Small difference\"}, "
	         "{code: BAD_DEBT, label: \"Bad debt\"}, {code: OTHER, label: \"Other\"}]",
	  .doc = "Reason codes offered when a reviewer writes off a difference." },
};
const size_t CONFIG_NKEYS = sizeof CONFIG_KEYS / sizeof CONFIG_KEYS[0];

const struct config_key PROFILE_KEYS[] = {
	{ .path = "kind", .type = &CK_ENUM, .offset = PRO(kind), .names = KIND_NAMES,
	  .store = CK_STORE_INT, .def = "any",
	  .doc = "Which files the profile reads; implied by columns that only one kind has, "
	         "needed when columns maps only shared ones (amount, currency, customer_id, "
	         "reference_number)." },
	{ .path = "delimiter", .type = &CK_ENUM, .offset = PRO(delimiter),
	  .names = DELIMITER_NAMES, .store = CK_STORE_CHAR, .def = "comma",
	  .doc = "Field separator; auto detects it from the header line." },
	{ .path = "decimal", .type = &CK_ENUM, .offset = PRO(decimal_sep), .names = DECIMAL_NAMES,
	  .store = CK_STORE_CHAR, .def = "\".\"", .doc = "Decimal separator of amounts." },
	{ .path = "thousands", .type = &CK_ENUM, .offset = PRO(thousands_sep),
	  .names = THOUSANDS_NAMES, .store = CK_STORE_CHAR, .def = "none",
	  .doc = "Thousands separator of amounts (must differ from decimal)." },
	{ .path = "date_format", .type = &CK_ENUM, .offset = PRO(date_format), .names = DATE_NAMES,
	  .store = CK_STORE_DATEFMT, .def = "auto",
	  .doc = "Date format; auto accepts ISO, YYYYMMDD and DD.MM.YYYY and refuses ambiguous "
	         "slashes." },
	{ .path = "currency", .type = &CK_CURRENCY, .offset = PRO(default_currency), .def = "\"\"",
	  .doc = "Currency of rows when the file has no currency column (\"\": the column is "
	         "required)." },
	{ .path = "skip_lines", .type = &CK_INT, .offset = PRO(skip_lines), .min = 0, .max = 1000,
	  .def = "0", .doc = "Lines before the header line (bank preambles)." },
	{ .path = "trim_spaces", .type = &CK_BOOL, .offset = PRO(trim_spaces), .def = "true",
	  .doc = "Trim spaces around unquoted fields." },
	{ .path = "encoding", .type = &CK_ENUM, .offset = PRO(encoding), .names = ENCODING_NAMES,
	  .store = CK_STORE_NAME16, .def = "utf-8",
	  .doc = "Character encoding of the file; latin-1 is transcoded to UTF-8." },
	{ .path = "debit_column", .type = &CK_STRING, .offset = PRO(debit_column), .min = 0,
	  .max = 4096, .def = "\"\"",
	  .doc = "Header of a separate debit column; rows with a debit are skipped." },
	{ .path = "columns", .type = &CK_COLUMNS, .def = "{}",
	  .doc = "Source header per native column; unmapped columns are found by header aliases. "
	         "Invoices: invoice_id, customer_id, customer_name, invoice_date, due_date, "
	         "amount, currency, reference_number. Payments: payment_id, payment_date, amount, "
	         "currency, payer_name, customer_id, reference_number, memo." },
};
const size_t PROFILE_NKEYS = sizeof PROFILE_KEYS / sizeof PROFILE_KEYS[0];

const struct config_key REASON_KEYS[] = {
	{ .path = "code", .type = &CK_CODE, .offset = RSN(code), .min = 1, .max = 32,
	  .doc = "Reason code stored with the write-off (e.g. BANK_FEE)." },
	{ .path = "label", .type = &CK_STRING, .offset = RSN(label), .min = 1, .max = 200,
	  .doc = "Text shown to the reviewer." },
};
const size_t REASON_NKEYS = sizeof REASON_KEYS / sizeof REASON_KEYS[0];
