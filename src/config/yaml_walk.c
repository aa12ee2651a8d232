/* The YAML event stream for the configuration: libyaml's event API (not its document
 * API, whose error paths leak), 1-based file:line:column messages, a dotted path for
 * messages, and a structural check of the whole document before any value is used. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

int yw_open(struct ywalk *w, const char *yaml, size_t len, const char *name,
            struct pm_error *err)
{
	memset(w, 0, sizeof *w);
	w->yaml = yaml;
	w->len = len;
	w->name = name;
	w->err = err;
	strbuf_init(&w->path);
	if (!yaml_parser_initialize(&w->parser))
		return pm_error_set(err, PM_ESOFTWARE, "%s: out of memory", name);
	yaml_parser_set_input_string(&w->parser, (const unsigned char *)yaml, len);
	return 0;
}

void yw_close(struct ywalk *w)
{
	if (w->have_ev)
		yaml_event_delete(&w->ev);
	w->have_ev = false;
	yaml_parser_delete(&w->parser);
	strbuf_release(&w->path);
}

static int yw_error_at(struct ywalk *w, long line, long col, const char *msg)
{
	pm_error_set(w->err, PM_ECONFIG, "%s:%ld:%ld: %s", w->name, line, col, msg);
	w->err->line = line;
	w->err->column = col;
	return PM_ECONFIG;
}

int yw_error(struct ywalk *w, yaml_mark_t mark, const char *fmt, ...)
{
	char msg[sizeof w->err->msg];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	/* libyaml's marks are 0-based; people count from 1. */
	return yw_error_at(w, (long)mark.line + 1, (long)mark.column + 1, msg);
}

/* Reader errors (bad UTF-8, control characters) carry a byte offset, not a mark. */
static int yw_reader_error(struct ywalk *w)
{
	size_t off = w->parser.problem_offset;
	long line = 1, col = 1;

	if (off > w->len)
		off = w->len;
	for (size_t i = 0; i < off; i++) {
		unsigned char c = (unsigned char)w->yaml[i];
		if (c == '\n') {
			line++;
			col = 1;
		} else if ((c & 0xC0) != 0x80) {
			col++;       /* count characters, not UTF-8 continuation bytes */
		}
	}
	if (w->parser.problem_value >= 0) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s (byte 0x%02X)", w->parser.problem,
		         (unsigned)w->parser.problem_value & 0xFFu);
		return yw_error_at(w, line, col, msg);
	}
	return yw_error_at(w, line, col, w->parser.problem);
}

static int yw_syntax_error(struct ywalk *w)
{
	yaml_parser_t *p = &w->parser;

	if (p->error == YAML_MEMORY_ERROR)
		return pm_error_set(w->err, PM_ESOFTWARE, "%s: out of memory", w->name);
	if (p->error == YAML_READER_ERROR)
		return yw_reader_error(w);
	if (!p->problem)
		return yw_error(w, p->problem_mark, "invalid YAML");
	if (p->context)
		return yw_error(w, p->problem_mark, "%s (%s that starts at %ld:%ld)", p->problem,
		                p->context, (long)p->context_mark.line + 1,
		                (long)p->context_mark.column + 1);
	return yw_error(w, p->problem_mark, "%s", p->problem);
}

int yw_next(struct ywalk *w)
{
	if (w->have_ev)
		yaml_event_delete(&w->ev);
	w->have_ev = false;
	if (!yaml_parser_parse(&w->parser, &w->ev))
		return yw_syntax_error(w);
	w->have_ev = true;
	return 0;
}

int yw_push(struct ywalk *w, const char *key, size_t len, long index)
{
	int rc;

	if (w->npath >= (int)(sizeof w->path_len / sizeof w->path_len[0]))
		return pm_error_set(w->err, PM_ESOFTWARE, "%s: configuration nested too deeply",
		                    w->name);
	w->path_len[w->npath++] = w->path.len;
	if (index >= 0)
		rc = strbuf_addf(&w->path, "[%ld]", index);
	else if (w->path.len)
		rc = strbuf_addch(&w->path, '.') || strbuf_add(&w->path, key, len);
	else
		rc = strbuf_add(&w->path, key, len);
	return rc ? pm_error_set(w->err, PM_ESOFTWARE, "%s: out of memory", w->name) : 0;
}

void yw_pop(struct ywalk *w)
{
	if (w->npath == 0)
		return;
	size_t n = w->path_len[--w->npath];
	if (w->path.alloc) {
		w->path.len = n;
		w->path.buf[n] = '\0';
	}
}

const char *yw_path(const struct ywalk *w)
{
	return strbuf_str(&w->path);
}

const char *yw_scalar(const struct ywalk *w, size_t *len, bool *quoted)
{
	*len = w->ev.data.scalar.length;
	*quoted = w->ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE &&
	          w->ev.data.scalar.style != YAML_ANY_SCALAR_STYLE;
	return (const char *)w->ev.data.scalar.value;
}

/* ---- the structural check ---- */

struct vkey {
	char *s;
	size_t len;
	long line;
};

struct vframe {
	bool map;
	bool want_key;              /* map: the next scalar is a key */
	long index;                 /* list: items seen */
	struct vkey *keys;
	size_t nkeys, akeys;
};

struct vstate {
	struct ywalk w;
	struct vframe f[YW_MAX_DEPTH];
	int depth;
	int docs;
};

static struct vframe *vtop(struct vstate *v)
{
	return v->depth ? &v->f[v->depth - 1] : NULL;
}

static void vframe_free(struct vframe *f)
{
	for (size_t i = 0; i < f->nkeys; i++)
		free(f->keys[i].s);
	free(f->keys);
	memset(f, 0, sizeof *f);
}

/* A value begins: inside a list it is the next item. */
static int vvalue_start(struct vstate *v)
{
	struct vframe *f = vtop(v);

	if (f && !f->map)
		return yw_push(&v->w, NULL, 0, f->index);
	return 0;
}

/* A value ended: the mapping wants its next key, the list its next item. */
static void vvalue_done(struct vstate *v)
{
	struct vframe *f = vtop(v);

	if (!f)
		return;
	yw_pop(&v->w);
	if (f->map)
		f->want_key = true;
	else
		f->index++;
}

static int vkey(struct vstate *v, struct vframe *f)
{
	size_t len;
	bool quoted;
	const char *s = yw_scalar(&v->w, &len, &quoted);
	yaml_mark_t mark = v->w.ev.start_mark;
	int rc = yw_push(&v->w, s, len, -1);

	if (rc)
		return rc;
	for (size_t i = 0; i < f->nkeys; i++)
		if (f->keys[i].len == len && memcmp(f->keys[i].s, s, len) == 0)
			return yw_error(&v->w, mark, "duplicate key '%s' (first set at line %ld)",
			                yw_path(&v->w), f->keys[i].line);
	if (f->nkeys >= YW_MAX_KEYS)
		return yw_error(&v->w, mark, "more than %d keys in one mapping", YW_MAX_KEYS);
	if (PM_GROW(f->keys, f->nkeys + 1, f->akeys) || !(f->keys[f->nkeys].s = malloc(len + 1)))
		return pm_error_set(v->w.err, PM_ESOFTWARE, "%s: out of memory", v->w.name);
	memcpy(f->keys[f->nkeys].s, s, len);
	f->keys[f->nkeys].s[len] = '\0';
	f->keys[f->nkeys].len = len;
	f->keys[f->nkeys].line = (long)mark.line + 1;
	f->nkeys++;
	f->want_key = false;
	return 0;
}

/* Anchors, aliases and tags are refused: aliases allow expansion bombs, and tags would
 * let a file choose types that the key table decides. */
static int vrefuse(struct vstate *v, const yaml_char_t *anchor, const yaml_char_t *tag)
{
	bool scalar = v->w.ev.type == YAML_SCALAR_EVENT;

	if (anchor)
		return yw_error(&v->w, v->w.ev.start_mark,
		                "anchors and aliases are not allowed in the configuration ('&%s')",
		                (const char *)anchor);
	if (tag)
		return yw_error(&v->w, v->w.ev.start_mark,
		                "tags are not allowed in the configuration ('%s')%s",
		                (const char *)tag, scalar ? "; quote the value to make it text" : "");
	return 0;
}

static int vcontainer(struct vstate *v, bool map, const yaml_char_t *anchor,
                      const yaml_char_t *tag)
{
	struct vframe *f = vtop(v);
	int rc = vrefuse(v, anchor, tag);

	if (rc)
		return rc;
	if (f && f->map && f->want_key)
		return yw_error(&v->w, v->w.ev.start_mark, "a key must be a plain name, not a %s",
		                map ? "mapping" : "list");
	if (v->depth >= YW_MAX_DEPTH)
		return yw_error(&v->w, v->w.ev.start_mark, "nesting deeper than %d levels",
		                YW_MAX_DEPTH);
	if ((rc = vvalue_start(v)))
		return rc;
	f = &v->f[v->depth++];
	memset(f, 0, sizeof *f);
	f->map = map;
	f->want_key = map;
	return 0;
}

static int vscalar(struct vstate *v)
{
	struct vframe *f = vtop(v);
	yaml_event_t *e = &v->w.ev;
	int rc = vrefuse(v, e->data.scalar.anchor, e->data.scalar.tag);

	if (rc)
		return rc;
	if (f && f->map && f->want_key)
		return vkey(v, f);
	if ((rc = vvalue_start(v)))
		return rc;
	vvalue_done(v);
	return 0;
}

static int vevent(struct vstate *v, bool *end)
{
	yaml_event_t *e = &v->w.ev;

	switch (e->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++v->docs > 1)
			return yw_error(&v->w, e->start_mark,
			                "only one YAML document is allowed in the configuration");
		return 0;
	case YAML_ALIAS_EVENT:
		return yw_error(&v->w, e->start_mark,
		                "anchors and aliases are not allowed in the configuration ('*%s')",
		                (const char *)e->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		return vscalar(v);
	case YAML_MAPPING_START_EVENT:
		return vcontainer(v, true, e->data.mapping_start.anchor, e->data.mapping_start.tag);
	case YAML_SEQUENCE_START_EVENT:
		return vcontainer(v, false, e->data.sequence_start.anchor,
		                  e->data.sequence_start.tag);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		vframe_free(&v->f[--v->depth]);
		vvalue_done(v);
		return 0;
	case YAML_STREAM_END_EVENT:
		*end = true;
		return 0;
	default:
		return 0;
	}
}

int yw_validate(const char *yaml, size_t len, const char *name, struct pm_error *err)
{
	struct vstate v;
	bool end = false;
	int rc;

	memset(&v, 0, sizeof v);
	if ((rc = yw_open(&v.w, yaml, len, name, err)))
		return rc;
	while (!rc && !end) {
		rc = yw_next(&v.w);
		if (!rc)
			rc = vevent(&v, &end);
	}
	while (v.depth > 0)
		vframe_free(&v.f[--v.depth]);
	yw_close(&v.w);
	return rc;
}
