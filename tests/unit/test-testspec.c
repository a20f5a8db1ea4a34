/* tests/unit/test-testspec.c - the `nfemu test` spec parser (emu/testspec.c).
 *
 * A spec's structure as parsed (paths resolved against the spec's directory, tests, packets,
 * each expectation kind with its arguments, lines kept for --record), and errors with their
 * line, column and caret.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>
#include "emu/testspec.h"

static const char SPEC[] =
	"# a comment\n"
	"topology router/topology   # relative\n"
	"rules    /abs/rules.v4\n"
	"seed 7\n"
	"open-ports\n"
	"\n"
	"test \"one # not a comment\"\n"
	"  packet tcp 192.168.1.10:40000 > 198.51.100.7:80 S in eth0\n"
	"  expect forward out eth1 as 203.0.113.2:40000 > 198.51.100.7:80\n"
	"  expect ct ESTABLISHED\n"
	"  expect drop by filter:INPUT:rule:5\n"
	"  expect drop\n"
	"  expect log \"in-drop: \\\"x\\\"\"\n"
	"  expect mark 0x10\n"
	"  expect dnat to 10.0.0.1:80 | 10.0.0.2\n"
	"  expect reply tcp 203.0.113.2:23 > 198.51.100.7:40001 R.\n"
	"  expect out eth1\n"
	"  expect accept\n"
	"  expect deliver\n"
	"  expect snat to 192.0.2.1\n"
	"test \"two\"\n"
	"\tpacket icmp 10.0.0.1 > 10.0.0.2 from-host\n";

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static void test_structure(void **state)
{
	struct spec *s;
	char err[1024];
	const struct spec_packet *p;
	const struct spec_exp *e;

	(void)state;
	assert_int_equal(spec_parse("dir/x.spec", SPEC, strlen(SPEC), &s, err, sizeof(err)), 0);
	assert_string_equal(s->topology, "dir/router/topology");
	assert_string_equal(s->rules, "/abs/rules.v4");
	assert_null(s->state);
	assert_int_equal(s->topology_line, 2);
	assert_int_equal(s->set_line, 3);
	assert_int_equal(s->seed, 7);
	assert_true(s->open_ports);
	assert_int_equal(s->ntests, 2);
	assert_string_equal(s->tests[0].name, "one # not a comment");
	assert_int_equal(s->tests[0].npkts, 1);
	p = &s->tests[0].pkts[0];
	assert_int_equal(p->line, 8);
	assert_string_equal(p->indent, "  ");
	assert_int_equal(p->pl.proto, 6);
	assert_int_equal(p->pl.ingress, NFEMU_PKTLINE_IN_IFACE);
	assert_int_equal(p->nexp, 12);
	e = p->exp;
	assert_int_equal(e[0].kind, SPEC_EXP_FORWARD);
	assert_string_equal(e[0].arg, "eth1");
	assert_true(e[0].has_hdr);
	assert_int_equal(e[0].hdr.saddr, ip("203.0.113.2"));
	assert_int_equal(e[0].hdr.dport, 80);
	assert_int_equal(e[0].line, 9);
	assert_string_equal(e[0].text, "forward out eth1 as 203.0.113.2:40000 > 198.51.100.7:80");
	assert_int_equal(e[1].kind, SPEC_EXP_CT);
	assert_int_equal(e[1].ct, SPEC_CT_ESTABLISHED);
	assert_int_equal(e[2].kind, SPEC_EXP_DROP);
	assert_string_equal(e[2].arg, "filter:INPUT:rule:5");
	assert_int_equal(e[3].kind, SPEC_EXP_DROP);
	assert_null(e[3].arg);
	assert_int_equal(e[4].kind, SPEC_EXP_LOG);
	assert_string_equal(e[4].arg, "in-drop: \"x\"");
	assert_int_equal(e[5].kind, SPEC_EXP_MARK);
	assert_int_equal(e[5].mark, 0x10);
	assert_int_equal(e[6].kind, SPEC_EXP_DNAT);
	assert_int_equal(e[6].nto, 2);
	assert_int_equal(e[6].to[0].addr, ip("10.0.0.1"));
	assert_int_equal(e[6].to[0].port, 80);
	assert_true(e[6].to[0].has_port);
	assert_int_equal(e[6].to[1].addr, ip("10.0.0.2"));
	assert_false(e[6].to[1].has_port);
	assert_int_equal(e[7].kind, SPEC_EXP_REPLY);
	assert_int_equal(e[7].hdr.tcp_flags, 0x14);
	assert_true(e[7].hdr.has_flags);
	assert_int_equal(e[8].kind, SPEC_EXP_OUT);
	assert_false(e[8].has_hdr);
	assert_int_equal(e[9].kind, SPEC_EXP_ACCEPT);
	assert_int_equal(e[10].kind, SPEC_EXP_DELIVER);
	assert_int_equal(e[11].kind, SPEC_EXP_SNAT);
	assert_int_equal(s->tests[1].pkts[0].pl.ingress, NFEMU_PKTLINE_FROM_HOST);
	assert_string_equal(s->tests[1].pkts[0].indent, "\t");
	/* the lines, for --record */
	assert_int_equal(s->nlines, 22);
	assert_true(s->last_newline);
	assert_int_equal(s->line_kind[7], SPEC_LINE_PACKET);
	assert_int_equal(s->line_kind[8], SPEC_LINE_EXPECT);
	assert_int_equal(s->line_kind[6], SPEC_LINE_OTHER);
	spec_free(s);
}

/* text -> "LINE:COL: message" (the first line of the error) */
static void err_is(const char *text, const char *want)
{
	struct spec *s = (struct spec *)1;
	char err[1024], *nl;

	assert_int_equal(spec_parse("e.spec", text, strlen(text), &s, err, sizeof(err)), -EINVAL);
	assert_null(s);
	nl = strchr(err, '\n');
	if (nl)
		*nl = '\0';
	assert_string_equal(err, want);
}

#define H "topology t\nrules r\n"
#define T "test \"t\"\n packet udp 1.2.3.4:5 > 6.7.8.9:53\n"

static void test_errors(void **state)
{
	(void)state;
	err_is(H "bogus\n", "e.spec:3:1: unknown word 'bogus' (topology, rules, state, seed, open-ports, test, packet, expect)");
	err_is(H "state s\n" T, "e.spec:3:1: give either rules or state, not both");
	err_is("topology t\n" T, "e.spec:2:1: a test before 'rules FILE' (or 'state FILE')");
	err_is(H, "e.spec:2:1: no test in the spec (test \"NAME\")");
	err_is(H T T, "e.spec:5:6: test \"t\" is already defined on line 3");
	err_is(H "test \"a\"\ntest \"b\"\n", "e.spec:4:1: test \"a\" (line 3) has no packet");
	err_is(H "test \"a\n", "e.spec:3:6: unterminated string: no closing '\"'");
	err_is(H T " expect ct NEWISH\n", "e.spec:5:12: unknown ct state 'NEWISH' (NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED)");
	err_is(H T " expect dnat to 1.2.3.4:99999\n", "e.spec:5:25: '99999' is not a port (0-65535)");
	err_is(H T " expect mark x\n", "e.spec:5:14: 'x' is not a mark (0-0xffffffff)");
	err_is(H "test \"t\"\n packet udp 1.2.3.4 > 6.7.8.9:53\n", "e.spec:4:20: udp needs ports: expected :PORT");
	err_is(H T " expect forward out eth0 as 1.2.3.4 >\n", "e.spec:5:39: expected the destination address");
	err_is(H "topology u\n" T, "e.spec:3:1: 'topology' is given twice");
}

static void test_nul(void **state)
{
	static const char text[] = H "te\0st\n";
	struct spec *s;
	char err[256];

	(void)state;
	assert_int_equal(spec_parse("e.spec", text, sizeof(text) - 1, &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "e.spec:3:1: a NUL byte in the line");
}

static void test_caret(void **state)
{
	static const char text[] = H T "\texpect drop from x\n";
	struct spec *s;
	char err[1024];

	(void)state;
	assert_int_equal(spec_parse("e.spec", text, strlen(text), &s, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "e.spec:5:14: expected 'by' after drop (drop by TABLE:CHAIN:rule:N)\n"
				 "  \texpect drop from x\n"
				 "  \t            ^~~~");
}

static void test_expect_alone(void **state)
{
	struct nfemu_pktline_err err;
	struct spec_exp e;

	(void)state;
	assert_int_equal(spec_parse_expect("snat to 1.2.3.4:1 | 1.2.3.5:2  # two", &e, &err), 0);
	assert_int_equal(e.kind, SPEC_EXP_SNAT);
	assert_int_equal(e.nto, 2);
	spec_exp_free(&e);
	assert_int_equal(spec_parse_expect("ct related", &e, &err), 0);
	assert_int_equal(e.ct, SPEC_CT_RELATED);
	spec_exp_free(&e);
	assert_int_equal(spec_parse_expect("drop by", &e, &err), -EINVAL);
	assert_int_equal(err.col, 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_caret),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_expect_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
