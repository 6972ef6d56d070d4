/* main.c - footnote's entry point: hand argv to the command line and return its status. */
#include "ui/cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
