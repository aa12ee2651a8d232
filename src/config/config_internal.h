/* Internal to src/config: the YAML event walker and the key table it is driven by.
 * The table (config_keys.c) is the single description of every key: the loader
 * (config_walk.c), `config show`, `config keys` and docs/CONFIG.md all read it. */
#ifndef PAYMATCH_CONFIG_INTERNAL_H
#define PAYMATCH_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "paymatch/config.h"
#include "paymatch/strbuf.h"

#define YW_MAX_DEPTH 16          /* deepest nesting of mappings and lists accepted */
#define YW_MAX_KEYS 1000         /* most keys in one mapping (bounds duplicate checks) */
#define CONFIG_MAX_BYTES (1024 * 1024)

/* ---- yaml_walk.c: the event stream with marks and a path for messages ---- */

struct ywalk {
	yaml_parser_t parser;
	yaml_event_t ev;             /* the current event, owned until the next yw_next */
	bool have_ev;
	const char *yaml;            /* the whole input, to place reader errors */
	size_t len;
	const char *name;            /* file name used in messages */
	struct pm_error *err;
	struct strbuf path;          /* dotted path of the value being read */
	size_t path_len[2 * YW_MAX_DEPTH + 4];
	int npath;
};

/* Opens w over len bytes of yaml (not copied: must outlive w); returns 0 or PM_ESOFTWARE. */
int yw_open(struct ywalk *w, const char *yaml, size_t len, const char *name,
            struct pm_error *err);

/* Releases the parser, the current event and the path. */
void yw_close(struct ywalk *w);

/* Replaces the current event with the next one; returns 0 or PM_ECONFIG (syntax error). */
int yw_next(struct ywalk *w);

/* Sets w's error "name:line:col: message" at mark (0-based, printed 1-based);
 * returns PM_ECONFIG. */
int yw_error(struct ywalk *w, yaml_mark_t mark, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Appends a component to the path: ".key" (or "key" at the top), or "[i]" when
 * index >= 0. Returns 0 or PM_ESOFTWARE. */
int yw_push(struct ywalk *w, const char *key, size_t len, long index);

/* Removes the last component pushed. */
void yw_pop(struct ywalk *w);

/* Returns the current path ("matching.tolerance"), "" at the top level. */
const char *yw_path(const struct ywalk *w);

/* The current scalar's text and whether it was quoted (or a block scalar). */
const char *yw_scalar(const struct ywalk *w, size_t *len, bool *quoted);

/* Checks the structure of a whole document before any value is used: syntax, one
 * document, no anchors, aliases or tags, plain keys, no duplicate keys, nesting at
 * most YW_MAX_DEPTH. Returns 0 or PM_ECONFIG with err at the offending mark. */
int yw_validate(const char *yaml, size_t len, const char *name, struct pm_error *err);

/* ---- the key table (config_keys.c) and its value types (config_types.c) ---- */

struct config_key;

/* How one kind of value is read, written and described. A scalar type has parse;
 * a compound type (lists, nested mappings) has walk and reads its own events. */
struct ck_type {
	/* Reads text into field; returns 0, or -1 with the reason appended to why. */
	int (*parse)(const struct config_key *k, const char *s, size_t len, bool quoted,
	             void *field, struct strbuf *why);
	/* Reads the value whose first event is current, into the struct at base. */
	int (*walk)(struct ywalk *w, const struct config_key *k, void *base);
	/* Appends " value" (scalars) or a newline and indented lines (compounds). */
	int (*print)(struct strbuf *out, const struct config_key *k, const void *base,
	             int indent);
	/* Appends what the value must be ("a number between 0 and 1"). */
	void (*describe)(struct strbuf *out, const struct config_key *k);
};

/* A named value of an enumerated key; the first name of each value is canonical. */
struct ck_name {
	const char *name;
	int value;
};

enum ck_store { CK_STORE_INT, CK_STORE_CHAR, CK_STORE_BOOL, CK_STORE_DATEFMT, CK_STORE_NAME16 };

struct config_key {
	const char *path;            /* dotted, relative to the table's root */
	const struct ck_type *type;
	size_t offset;               /* of the field in the table's struct (scalars) */
	double min, max;             /* numeric range, or text length for strings */
	const struct ck_name *names; /* enumerations: NULL-terminated */
	enum ck_store store;         /* enumerations: the field's C type */
	const char *def;             /* default, as YAML text */
	const char *doc;             /* one sentence for `config keys` and docs */
};

/* A profile while it is read: columns wait for the kind, which may come later. */
#define NATIVE_NAMES 12
struct profile_build {
	struct import_profile p;     /* first member: profile offsets are struct import_profile's */
	char *pending[NATIVE_NAMES]; /* source header per native name (NATIVE_COLUMNS order) */
	yaml_mark_t pending_mark[NATIVE_NAMES];
};

/* A native column name and its index in each kind (-1 when not a column of it). */
struct native_column {
	const char *name;
	int inv;
	int pay;
};
extern const struct native_column NATIVE_COLUMNS[NATIVE_NAMES];

extern const struct config_key CONFIG_KEYS[];
extern const size_t CONFIG_NKEYS;
extern const struct config_key PROFILE_KEYS[];
extern const size_t PROFILE_NKEYS;
extern const struct config_key REASON_KEYS[];
extern const size_t REASON_NKEYS;

/* Appends s as a double-quoted YAML scalar. */
int ck_quote(struct strbuf *out, const char *s);

/* Appends v in the shortest form that reads back as the same double, always with a
 * '.' or an exponent, in any locale. Returns 0 or -1. */
int ck_format_double(struct strbuf *out, double v);

/* Appends a Markdown-safe copy of s ('|' escaped). */
int ck_md(struct strbuf *out, const char *s);

/* The value types (config_types.c). */
extern const struct ck_type CK_INT, CK_NUMBER, CK_BOOL, CK_STRING, CK_CODE, CK_MONEY,
	CK_MEMSIZE, CK_ENUM, CK_CURRENCY;

/* The range of one aging bucket (its items are read as this key). */
extern const struct config_key BUCKET_DAYS_KEY;

/* Appends name as a mapping key: plain when it is a simple word, else quoted. */
int ck_key(struct strbuf *out, const char *name);

/* ---- config_walk.c: the schema walk over the table ---- */

/* Where a key of the table was set in the file being read (for cross-key checks). */
struct key_seen {
	bool set;
	yaml_mark_t mark;
};

/* Reads the mapping that is the current event into base by table tab (n keys) whose
 * paths start at rel ("" for the table's root). seen (n entries) may be NULL. */
int cw_walk_mapping(struct ywalk *w, const struct config_key *tab, size_t n, const char *rel,
                    void *base, struct key_seen *seen);

/* Reads a whole document into cfg (structure already checked by yw_validate).
 * Returns 0 or an error; cfg may be partly changed on error. */
int cw_load(struct pm_config *cfg, const char *yaml, size_t len, const char *name,
            struct pm_error *err);

/* Compound walkers: read the value that is the current event into the struct at base. */
int cw_walk_buckets(struct ywalk *w, const struct config_key *k, void *base);
int cw_walk_reasons(struct ywalk *w, const struct config_key *k, void *base);
int cw_walk_profiles(struct ywalk *w, const struct config_key *k, void *base);
int cw_walk_columns(struct ywalk *w, const struct config_key *k, void *base);

/* Frees what a profile owns (not p itself) and zeroes it. */
void profile_release(struct import_profile *p);

/* Frees cfg's write-off reasons and empties the list. */
void reasons_release(struct pm_config *cfg);

/* ---- config_print.c: YAML and Markdown from the tables ---- */

/* Compound printers (see struct ck_type's print). */
int cw_print_buckets(struct strbuf *out, const struct config_key *k, const void *base, int ind);
int cw_print_reasons(struct strbuf *out, const struct config_key *k, const void *base, int ind);
int cw_print_profiles(struct strbuf *out, const struct config_key *k, const void *base,
                      int ind);
int cw_print_columns(struct strbuf *out, const struct config_key *k, const void *base, int ind);

/* Appends tab as nested YAML at indent: each key's default text when base is NULL, else
 * its value in the struct at base; with each key's doc as a comment when docs. */
int ck_emit(struct strbuf *out, const struct config_key *tab, size_t n, int indent,
            const void *base, bool docs);

/* Appends the Markdown reference of every key of every table. */
int ck_reference(struct strbuf *out);

/* Applies the defaults of tab's scalar keys to the struct at base. */
void ck_apply_scalar_defaults(const struct config_key *tab, size_t n, void *base);

#endif
