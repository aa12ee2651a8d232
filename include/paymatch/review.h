/* Reviewer decisions on the working set: accept, reject, manual match, split, write-off,
 * note, undo. Each decision is one short BEGIN IMMEDIATE transaction that also writes one
 * audit_log row (user, time, action, before/after JSON, note). Rows the UI read carry a
 * version; a decision on a row whose version moved meanwhile (another reviewer, a match
 * run) changes nothing and returns REVIEW_CONFLICT with a message naming who changed it.
 * docs/REVIEW.md describes the decisions, the audit format and undo. */
#ifndef PAYMATCH_REVIEW_H
#define PAYMATCH_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "paymatch/config.h"
#include "paymatch/error.h"
#include "paymatch/store.h"

/* Status of a decision refused because a row changed since the UI read it: refresh and
 * show err->msg ("allocation 12 was changed by alice at 2026-01-05T09:12:00Z (accept)").
 * Distinct from PM_EBUSY (working set locked: retry). Also usable as an exit status. */
#define REVIEW_CONFLICT 79

/* A row the UI shows, as it read it: id and version (0/0 = not given). */
struct review_ref {
	int64_t id;
	int64_t version;
};

/* One invoice line of a manual match or split. */
struct review_line {
	int64_t invoice_row;
	int64_t amount;           /* minor units of the payment's currency, > 0 */
};

/* What a decision did, for the status line. */
struct review_result {
	int64_t audit_id;         /* the audit_log row written (0 if none) */
	int64_t count;            /* allocations decided */
	int64_t amount;           /* their total, minor units (when !mixed_currency) */
	char currency[4];
	bool mixed_currency;      /* accept_many over several currencies: amount is 0 */
	int64_t remainder;        /* manual/split: payment's unapplied cash after; writeoff:
	                           * invoice's open balance after */
	char action[16];          /* undo: the action undone ("accept", "manual", ...) */
};

/* Accepts the suggested allocation alloc (suggested -> confirmed, with any suggested
 * siblings of its match_group) and resolves the exceptions it settles. note may be NULL.
 * Returns 0, REVIEW_CONFLICT (alloc changed / no longer suggested), PM_EBUSY or PM_EIO. */
int review_accept(struct store *st, struct review_ref alloc, const char *note,
                  struct review_result *res, struct pm_error *err);

/* Accepts n suggestions at once, all or nothing, as one decision (one audit row, one undo).
 * res->count and res->amount give the total. Errors as review_accept. */
int review_accept_many(struct store *st, const struct review_ref *allocs, size_t n,
                       const char *note, struct review_result *res, struct pm_error *err);

/* Rejects the suggested or auto allocation alloc (-> rejected, kept so the pair is never
 * proposed again), resolves its exceptions, and opens an unmatched_payment exception when
 * the payment is left with nothing applied or proposed. Errors as review_accept. */
int review_reject(struct store *st, struct review_ref alloc, const char *note,
                  struct review_result *res, struct pm_error *err);

/* Matches payment payment_row by hand to n invoices (n > 1 is a split): each line same
 * currency as the payment, amount > 0, not over the invoice's open balance; the lines
 * together not over the payment's unapplied cash. Inserts 'manual' allocations (rule manual,
 * confidence 1.0, "matched by USER"), resolves exception exc if given (version-checked) and
 * the payment's open unmatched/suggested/ambiguous exceptions once nothing is left.
 * res->remainder = unapplied cash after. Returns 0, PM_EDATA (validation, err says which
 * line), REVIEW_CONFLICT, PM_EBUSY or PM_EIO. */
int review_manual(struct store *st, int64_t payment_row, const struct review_line *lines,
                  size_t n, struct review_ref exc, const char *note,
                  struct review_result *res, struct pm_error *err);

/* Writes off amount of invoice invoice_row's open balance with reason_code (must be one of
 * cfg->ui.writeoff_reasons): an allocation with no payment, rule writeoff, status manual,
 * deduction = amount. Resolves exception exc if given. res->remainder = open balance after.
 * Returns 0, PM_EDATA (bad code/amount), REVIEW_CONFLICT, PM_EBUSY or PM_EIO. */
int review_writeoff(struct store *st, const struct pm_config *cfg, int64_t invoice_row,
                    int64_t amount, const char *reason_code, struct review_ref exc,
                    const char *note, struct review_result *res, struct pm_error *err);

/* What a note is attached to. */
enum review_target { REVIEW_PAYMENT, REVIEW_INVOICE, REVIEW_EXCEPTION };

/* Records note text (non-empty) on a payment, invoice or exception row as an audit_log
 * action 'note'. Returns 0, PM_EDATA (empty text / no such row), PM_EBUSY or PM_EIO. */
int review_note(struct store *st, enum review_target target, int64_t row, const char *text,
                struct review_result *res, struct pm_error *err);

/* Undoes the current user's most recent decision not yet undone (repeatable: the next
 * call undoes the one before). Restores the rows of its before JSON, deletes rows it
 * inserted, writes a new audit row (action 'undo', undoes = its id) and marks it undone.
 * Returns 0, PM_EDATA (nothing to undo), REVIEW_CONFLICT (the rows changed since: nothing
 * is restored), PM_EBUSY or PM_EIO. */
int review_undo_last(struct store *st, struct review_result *res, struct pm_error *err);

/* Returns true when another connection committed since the previous call with *seen
 * (initialise *seen to -1; the first call returns false and records the version). */
bool review_data_changed(struct store *st, int64_t *seen);

#endif
