/* paymatch report KIND: parses the options, opens the working set read-only, runs the kind
 * onto stdout or -o FILE (written to a temporary file and renamed, so a failed run never
 * leaves half a report), and maps failures to exit codes. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "paymatch/cli.h"
#include "paymatch/money.h"
#include "paymatch/report.h"

enum { OPT_AS_OF = 256, OPT_CUSTOMER, OPT_CURRENCY, OPT_BASIS };

static const struct option REPORT_OPTIONS[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "as-of", required_argument, NULL, OPT_AS_OF },
	{ "customer", required_argument, NULL, OPT_CUSTOMER },
	{ "currency", required_argument, NULL, OPT_CURRENCY },
	{ "basis", required_argument, NULL, OPT_BASIS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

struct report_args {
	const char *kind;
	const char *format;
	const char *output;
	const char *as_of;
	const char *basis;
};

static void report_help(void)
{
	printf("Usage: paymatch [--db FILE] report KIND [--format text|csv|json] [--as-of YYYY-MM-DD]\n"
	       "         [--customer ID] [--currency CODE] [--basis due|invoice] [-o FILE]\n\nKinds:\n");
	for (size_t i = 0; i < NREPORT_KINDS; i++)
		printf("  %-14s %s\n", REPORT_KINDS[i].name, REPORT_KINDS[i].summary);
	printf("\nThe format defaults to text, or follows -o's extension (.csv, .json, .txt).\n"
	       "Columns and the JSON schema: docs/REPORTS.md; exit codes: paymatch(1).\n");
}

static int unknown_option(const char *arg)
{
	const char *names[sizeof REPORT_OPTIONS / sizeof REPORT_OPTIONS[0]];
	char word[64];
	const char *hint;
	size_t n = 0;

	for (size_t i = 0; REPORT_OPTIONS[i].name; i++)
		names[n++] = REPORT_OPTIONS[i].name;
	snprintf(word, sizeof word, "%s", arg + strspn(arg, "-"));
	word[strcspn(word, "=")] = '\0';
	hint = report_suggest(word, names, n);
	if (hint)
		return cli_usage_error("report: unknown option '%s'; did you mean '--%s'?", arg, hint);
	return cli_usage_error("report: unknown option '%s'", arg);
}

static int parse_args(int argc, char **argv, struct report_args *a, struct report_options *o)
{
	int c;

	optind = 0;   /* GNU: reinitialise, the global options were parsed before */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "f:o:h", REPORT_OPTIONS, NULL)) != -1) {
		switch (c) {
		case 'f': a->format = optarg; break;
		case 'o': a->output = optarg; break;
		case OPT_AS_OF: a->as_of = optarg; break;
		case OPT_CUSTOMER: o->customer = optarg; break;
		case OPT_CURRENCY: o->currency = optarg; break;
		case OPT_BASIS: a->basis = optarg; break;
		case 'h': report_help(); return -1;
		case ':':
			return cli_usage_error("report: option '%s' needs a value", argv[optind - 1]);
		default:
			return unknown_option(argv[optind - 1]);
		}
	}
	if (optind < argc)
		a->kind = argv[optind++];
	if (optind < argc)
		return cli_usage_error("report: unexpected argument '%s'", argv[optind]);
	return 0;
}

static int resolve_kind(const char *name, const struct report_kind **out)
{
	const char *names[16];
	const char *hint;

	for (size_t i = 0; i < NREPORT_KINDS && i < 16; i++)
		names[i] = REPORT_KINDS[i].name;
	if (!name)
		return cli_usage_error("report: which report? One of: summary, aging, exceptions, "
		                       "matches, customers, import-errors");
	if ((*out = report_kind_find(name)))
		return 0;
	hint = report_suggest(name, names, NREPORT_KINDS);
	if (hint)
		return cli_usage_error("unknown report '%s'; did you mean '%s'?", name, hint);
	return cli_usage_error("unknown report '%s' (summary, aging, exceptions, matches, "
	                       "customers, import-errors)", name);
}

/* Fills the options that need checking: format, as-of date, currency, basis. */
static int resolve_options(const struct app *app, const struct report_args *a,
                           struct report_options *o)
{
	static const char *const FORMATS[] = { "text", "csv", "json" };
	/* One assignment on every path (-O1 saw f read uninitialised through the old split). */
	int f = a->format ? report_format_from_name(a->format)
	                  : a->output ? report_format_from_path(a->output) : -1;

	if (a->format && f < 0) {
		const char *hint = report_suggest(a->format, FORMATS, 3);

		return hint ? cli_usage_error("unknown format '%s'; did you mean '%s'?", a->format, hint)
		            : cli_usage_error("unknown format '%s' (text, csv or json)", a->format);
	}
	if (f >= 0)
		o->format = (enum report_format)f;
	if (a->basis && strcmp(a->basis, "due") != 0 && strcmp(a->basis, "invoice") != 0)
		return cli_usage_error("unknown basis '%s' (due or invoice)", a->basis);
	o->basis_given = a->basis != NULL;
	o->basis_invoice_date = a->basis ? strcmp(a->basis, "invoice") == 0
	                                 : app->cfg->aging.basis_invoice_date;
	if (a->as_of) {
		const char *why = "not a date";

		if (strlen(a->as_of) != 10 ||
		    date_parse(a->as_of, strlen(a->as_of), DATE_ISO, &o->as_of, &why) != 0) {
			fprintf(stderr, "paymatch: bad --as-of date '%s': %s (expected YYYY-MM-DD)\n",
			        a->as_of, why);
			return PM_EDATA;
		}
	}
	if (o->currency && !money_currency_valid(o->currency)) {
		fprintf(stderr, "paymatch: unknown currency '%s' (an ISO 4217 code such as EUR)\n",
		        o->currency);
		return PM_EDATA;
	}
	if (app->cfg->aging.nbuckets > 0 && app->cfg->aging.nbuckets <= REPORT_MAX_BUCKETS) {
		o->nbuckets = app->cfg->aging.nbuckets;
		memcpy(o->buckets, app->cfg->aging.buckets, o->nbuckets * sizeof o->buckets[0]);
	}
	return 0;
}

/* True when path names the working set or one of its WAL files. */
static bool is_working_set(const char *path, const char *db)
{
	static const char *const SUFFIX[] = { "", "-wal", "-shm", "-journal" };
	struct stat a, b;
	char buf[4096];

	if (stat(path, &a) != 0)
		return false;
	for (size_t i = 0; i < sizeof SUFFIX / sizeof SUFFIX[0]; i++) {
		snprintf(buf, sizeof buf, "%s%s", db, SUFFIX[i]);
		if (stat(buf, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return true;
	}
	return false;
}

/* Opens -o FILE: a regular file (or a new one) through a temporary file renamed at the end;
 * anything else (/dev/null, a FIFO, a terminal) directly, since renaming over a device would
 * replace it with a plain file. tmp is left empty when there is nothing to rename. */
static FILE *open_output(const char *path, char *tmp, size_t n)
{
	struct stat sb;
	int fd;
	FILE *f;

	tmp[0] = '\0';
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return fopen(path, "w");
	snprintf(tmp, n, "%s.tmpXXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0)
		return NULL;
	fchmod(fd, 0644 & ~(mode_t)0);
	if (!(f = fdopen(fd, "w"))) {
		close(fd);
		unlink(tmp);
	}
	return f;
}

static int finish(int rc, int werr, const char *output, const struct pm_error *err)
{
	if (rc == 0)
		return 0;
	/* A reader that went away (| head) is a normal end, not an error. */
	if (werr == EPIPE)
		return 0;
	if (werr)
		fprintf(stderr, "paymatch: cannot write %s: %s\n", output ? output : "the report",
		        strerror(werr));
	else
		cli_print_error(err);
	return werr ? PM_EIO : rc;
}

static int write_report(struct app *app, const struct report_kind *kind,
                        const struct report_options *o, const char *output)
{
	struct pm_error err;
	struct store *st = NULL;
	FILE *out = stdout;
	char tmp[4096];
	int werr = 0, rc;
	static char buf[1 << 16];

	pm_error_clear(&err);
	if ((rc = cli_open_store(app, STORE_READONLY, &st, &err)) != 0)
		return finish(rc, 0, NULL, &err);
	if (output && !(out = open_output(output, tmp, sizeof tmp))) {
		fprintf(stderr, "paymatch: cannot write %s: %s\n", output, strerror(errno));
		store_close(st);
		return PM_EIO;
	}
	if (!output && !isatty(fileno(stdout)))
		setvbuf(stdout, buf, _IOFBF, sizeof buf);
	cli_signals_watch(st, NULL);
	rc = report_run(st, kind, o, out, &werr, &err);
	cli_signals_watch(NULL, NULL);
	store_close(st);
	if (output) {
		if (fclose(out) != 0 && !werr && !rc)
			werr = errno, rc = PM_EIO;
		if (!rc && tmp[0] && rename(tmp, output) != 0)
			werr = errno, rc = PM_EIO;
		if (rc && tmp[0])
			unlink(tmp);
	} else if (!rc && fflush(stdout) != 0) {
		werr = errno;
		rc = PM_EIO;
	}
	return finish(rc, werr, output, &err);
}

int cmd_report(struct app *app, int argc, char **argv)
{
	struct report_args a = { 0 };
	struct report_options o;
	const struct report_kind *kind;
	int rc;

	report_options_init(&o);
	if ((rc = parse_args(argc, argv, &a, &o)) != 0)
		return rc < 0 ? 0 : rc;
	if ((rc = resolve_kind(a.kind, &kind)) != 0 || (rc = resolve_options(app, &a, &o)) != 0)
		return rc;
	if (a.output && is_working_set(a.output, app->db_path)) {
		fprintf(stderr, "paymatch: refusing to write the report over the working set %s\n",
		        app->db_path);
		return PM_EUSAGE;
	}
	return write_report(app, kind, &o, a.output);
}
