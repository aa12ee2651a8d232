/* How the import's connection is set up for a bulk load and put back afterwards; for
 * src/store/store_import.c and the large writes of src/store/store_match.c only. */
#ifndef PAYMATCH_STORE_BULK_H
#define PAYMATCH_STORE_BULK_H

#include <stdbool.h>

#include "store_internal.h"

/* A file of at least this many bytes into an empty table is worth a journal mode switch. */
#define STORE_BULK_JOURNAL_BYTES (4 << 20)

/* Returns true when table ("invoices" or "payments") has no rows; call it outside a
 * transaction. */
bool store_bulk_table_empty(struct store *st, const char *table);

/* Outside a transaction: leaves WAL for a rollback journal (synchronous FULL) when no other
 * connection has the working set open, at once and without waiting. Returns true when it
 * did; store_bulk_leave(st, true) must follow the transaction. */
bool store_bulk_journal_enter(struct store *st);

/* After the import's transaction: foreign keys on again and, when rollback_journal, back to
 * WAL with synchronous NORMAL (best effort: the next store_open sets WAL anyway). */
void store_bulk_leave(struct store *st, bool rollback_journal);

/* CPU counters at one moment: all CPUs' busy and total time (/proc/stat ticks) and this
 * process's CPU time. */
struct store_bulk_cpu {
	long long busy, total;
	long long own_ns;
	bool ok;                       /* /proc/stat was read */
};

/* Records the counters now into *m. */
void store_bulk_cpu_mark(struct store_bulk_cpu *m);

/* Returns true when a CPU is idle enough to give SQLite's sorter a helper thread: other
 * processes used less than half a CPU since *since (or, without /proc/stat or with too
 * short a window, the 1-minute load average leaves half a CPU free). */
bool store_bulk_spare_cpu(const struct store_bulk_cpu *since);

#endif
