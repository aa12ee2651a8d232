/* TEMPORARY: replaced by the real command. */
#include <stdio.h>
#include "paymatch/cli.h"

int cmd_import(struct app *app, int argc, char **argv)
{
	(void)app; (void)argc; (void)argv;
	fputs("paymatch: import: not built yet\n", stderr);
	return PM_ESOFTWARE;
}
