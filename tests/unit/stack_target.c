/*
 * tests/unit/stack_target.c - the tracee of test_stack_live: write(2) from
 * two functions, three times each, always from the same call sites.
 * Build with -g -O0 so that f1 and f2 stay separate and have line info.
 */
#include <unistd.h>

static void f1(void)
{
	(void)!write(1, "f1\n", 3);
}

static void f2(void)
{
	(void)!write(1, "f2\n", 3);
}

int main(void)
{
	for (int i = 0; i < 3; i++) {
		f1();
		f2();
	}
	return 0;
}
