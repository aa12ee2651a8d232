/* Shared by the unit tests that build a working set in a temporary file. */
#ifndef PAYMATCH_WS_TEST_H
#define PAYMATCH_WS_TEST_H

#include <stdio.h>
#include <unistd.h>

/* Removes the working-set file at path and the -wal and -shm files SQLite keeps beside it. */
static inline void ws_test_remove(const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };
	char p[512];

	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
		unlink(p);
	}
}

#endif
