/* The configuration's life cycle: built-in defaults (read from the key table's default
 * texts through the same loader as files), loading a file atomically over the current
 * values, the XDG lookup, printing, and the helpers other modules use. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_internal.h"
#include "paymatch/progress.h"

/* Frees what cfg owns and zeroes it (not cfg itself). */
static void config_release(struct pm_config *cfg)
{
	for (size_t i = 0; i < cfg->import.nprofiles; i++)
		profile_release(&cfg->import.profiles[i]);
	free(cfg->import.profiles);
	reasons_release(cfg);
	free(cfg->ui.theme);
	free(cfg->source);
	memset(cfg, 0, sizeof *cfg);
}

void config_free(struct pm_config *cfg)
{
	if (!cfg)
		return;
	config_release(cfg);
	free(cfg);
}

static int dup_str(char **dst, const char *src)
{
	*dst = NULL;
	return src && !(*dst = strdup(src)) ? -1 : 0;
}

static int profile_copy(struct import_profile *dst, const struct import_profile *src)
{
	int rc;

	*dst = *src;
	rc = dup_str(&dst->name, src->name) | dup_str(&dst->debit_column, src->debit_column);
	for (size_t c = 0; c < PM_MAX_NATIVE_COLS; c++)
		rc |= dup_str(&dst->columns[c], src->columns[c]);
	return rc;
}

/* Deep-copies src into dst (zeroed by the caller); on -1, dst holds a part to release. */
static int config_copy(struct pm_config *dst, const struct pm_config *src)
{
	size_t np = src->import.nprofiles, nr = src->ui.nwriteoff_reasons;

	*dst = *src;
	dst->import.profiles = NULL;
	dst->import.nprofiles = 0;
	dst->ui.writeoff_reasons = NULL;
	dst->ui.nwriteoff_reasons = 0;
	if (dup_str(&dst->ui.theme, src->ui.theme) | dup_str(&dst->source, src->source))
		return -1;
	if (np && !(dst->import.profiles = calloc(np, sizeof *dst->import.profiles)))
		return -1;
	for (; dst->import.nprofiles < np; dst->import.nprofiles++)
		if (profile_copy(&dst->import.profiles[dst->import.nprofiles],
		                 &src->import.profiles[dst->import.nprofiles])) {
			dst->import.nprofiles++;
			return -1;
		}
	if (nr && !(dst->ui.writeoff_reasons = calloc(nr, sizeof *dst->ui.writeoff_reasons)))
		return -1;
	for (size_t i = 0; i < nr; i++, dst->ui.nwriteoff_reasons++)
		if (dup_str(&dst->ui.writeoff_reasons[i].code, src->ui.writeoff_reasons[i].code) |
		    dup_str(&dst->ui.writeoff_reasons[i].label, src->ui.writeoff_reasons[i].label)) {
			dst->ui.nwriteoff_reasons++;
			return -1;
		}
	return 0;
}

/* Reads yaml over a copy of cfg and replaces cfg only when everything was valid, so a
 * bad file never leaves a half-applied configuration. */
static int load_over(struct pm_config *cfg, const char *yaml, size_t len, const char *name,
                     const char *source, struct pm_error *err)
{
	struct pm_config tmp;
	int rc = yw_validate(yaml, len, name, err);

	if (rc)
		return rc;
	memset(&tmp, 0, sizeof tmp);
	if (config_copy(&tmp, cfg)) {
		config_release(&tmp);
		return pm_error_set(err, PM_ESOFTWARE, "%s: out of memory", name);
	}
	rc = cw_load(&tmp, yaml, len, name, err);
	if (!rc && source) {
		free(tmp.source);
		if (!(tmp.source = strdup(source)))
			rc = pm_error_set(err, PM_ESOFTWARE, "%s: out of memory", name);
	}
	if (rc) {
		config_release(&tmp);
		return rc;
	}
	config_release(cfg);
	*cfg = tmp;
	return 0;
}

struct pm_config *config_new(void)
{
	struct pm_config *cfg = calloc(1, sizeof *cfg);
	struct strbuf yaml = STRBUF_INIT;
	struct pm_error err;

	if (!cfg)
		return NULL;
	strbuf_init(&yaml);
	/* The defaults are the table's default texts, read like any file: what `config keys`
	 * documents is exactly what is applied. */
	if (ck_emit(&yaml, CONFIG_KEYS, CONFIG_NKEYS, 0, NULL, false) ||
	    load_over(cfg, yaml.buf, yaml.len, "built-in defaults", NULL, &err)) {
		config_free(cfg);
		cfg = NULL;
	}
	strbuf_release(&yaml);
	return cfg;
}

int config_load_string(struct pm_config *cfg, const char *yaml, size_t len, const char *name,
                       struct pm_error *err)
{
	return load_over(cfg, yaml, len, name, name, err);
}

static int read_file(const char *path, struct strbuf *sb, struct pm_error *err)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	char chunk[4096];
	size_t n;

	if (!f)
		return pm_error_set(err, PM_ENOINPUT, "%s: cannot open the configuration: %s", path,
		                    strerror(errno));
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return pm_error_set(err, PM_ENOINPUT, "%s: is a directory, not a configuration file",
		                    path);
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (sb->len + n > CONFIG_MAX_BYTES) {
			fclose(f);
			return pm_error_set(err, PM_ECONFIG, "%s: larger than %d bytes; is this the "
			                    "configuration file?", path, CONFIG_MAX_BYTES);
		}
		if (strbuf_add(sb, chunk, n)) {
			fclose(f);
			return pm_error_set(err, PM_ESOFTWARE, "%s: out of memory", path);
		}
	}
	if (ferror(f)) {
		int e = errno;
		fclose(f);
		return pm_error_set(err, PM_EIO, "%s: cannot read the configuration: %s", path,
		                    strerror(e));
	}
	fclose(f);
	return 0;
}

int config_load_file(struct pm_config *cfg, const char *path, struct pm_error *err)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	strbuf_init(&sb);
	rc = read_file(path, &sb, err);
	if (!rc)
		rc = load_over(cfg, sb.buf, sb.len, path, path, err);
	strbuf_release(&sb);
	return rc;
}

int config_user_dir(struct strbuf *out)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	/* The XDG spec: a relative XDG_CONFIG_HOME is invalid and must be ignored. */
	if (xdg && xdg[0] == '/')
		return strbuf_addstr(out, xdg) || strbuf_addstr(out, "/paymatch");
	if (home && home[0] == '/')
		return strbuf_addstr(out, home) || strbuf_addstr(out, "/.config/paymatch");
	return -1;
}

int config_load_default(struct pm_config *cfg, const char *explicit_path, struct pm_error *err)
{
	const char *env = getenv("PAYMATCH_CONFIG");
	struct strbuf path = STRBUF_INIT;
	int rc = 0;

	if (explicit_path)
		return config_load_file(cfg, explicit_path, err);
	if (env && *env)
		return config_load_file(cfg, env, err);
	strbuf_init(&path);
	if (config_user_dir(&path) == 0 && strbuf_addstr(&path, "/config.yaml") == 0 &&
	    access(path.buf, F_OK) == 0)
		rc = config_load_file(cfg, path.buf, err);
	strbuf_release(&path);
	return rc;
}

int config_print(const struct pm_config *cfg, FILE *out)
{
	struct strbuf sb = STRBUF_INIT;
	int rc;

	strbuf_init(&sb);
	rc = strbuf_addstr(&sb, "# paymatch configuration: the built-in defaults");
	if (!rc && cfg->source) {
		rc = strbuf_addstr(&sb, ", overridden by ");
		for (const char *s = cfg->source; *s && !rc; s++)
			rc = strbuf_addch(&sb, (unsigned char)*s < 0x20 ? '?' : *s);
	}
	rc = rc || strbuf_addstr(&sb, ".\n# `paymatch config keys` describes every key.\n\n") ||
	     ck_emit(&sb, CONFIG_KEYS, CONFIG_NKEYS, 0, cfg, true);
	if (rc)
		rc = PM_ESOFTWARE;
	else if (fwrite(sb.buf, 1, sb.len, out) != sb.len || fflush(out))
		rc = PM_EIO;
	int saved = errno;           /* the caller tells EPIPE from other write errors */
	strbuf_release(&sb);
	errno = saved;
	return rc;
}

void config_print_reference(FILE *out)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_init(&sb);
	if (ck_reference(&sb) == 0)
		fwrite(sb.buf, 1, sb.len, out);
	strbuf_release(&sb);
}

const struct import_profile *config_find_profile(const struct pm_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->import.nprofiles; i++)
		if (strcmp(cfg->import.profiles[i].name, name) == 0)
			return &cfg->import.profiles[i];
	return NULL;
}

void import_profile_defaults(struct import_profile *p)
{
	memset(p, 0, sizeof *p);
	ck_apply_scalar_defaults(PROFILE_KEYS, PROFILE_NKEYS, p);
}

const char *import_column_name(int kind, int col)
{
	if (col < 0 || (kind != IMPORT_INVOICES && kind != IMPORT_PAYMENTS))
		return NULL;
	for (size_t j = 0; j < NATIVE_NAMES; j++)
		if ((kind == IMPORT_INVOICES ? NATIVE_COLUMNS[j].inv : NATIVE_COLUMNS[j].pay) == col)
			return NATIVE_COLUMNS[j].name;
	return NULL;
}

int config_workers(const struct pm_config *cfg)
{
	long n = cfg->performance.parallel_workers;

	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		n = 1;
	return n > PM_MAX_WORKERS ? PM_MAX_WORKERS : (int)n;
}
