/* tests/unit/test-xtables.c - placeholder, replaced by the translate_table tests. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "emu/net.h"

static void test_boot(void **state)
{
	struct net *net = net_alloc();

	(void)state;
	assert_non_null(net);
	net_free(net);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_boot) };

	return cmocka_run_group_tests(tests, NULL, NULL);
}
