/* main.c - footnote's entry point: set the locale, hand argv to the command line. */
#include <locale.h>
#include <stdlib.h>

#include "ui/cli.h"

int main(int argc, char **argv)
{
	/* Widths and curses need a UTF-8 character type even under LANG=C. */
	setlocale(LC_ALL, "");
	if (MB_CUR_MAX == 1)
		setlocale(LC_CTYPE, "C.UTF-8");
	return cli_main(argc, argv);
}
