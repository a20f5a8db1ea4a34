/* tests/unit/test-pktline.c - one-line packets: every option, every error with its column.
 *
 * Each option of docs/packets.md parsed and built (the datagram's bytes checked, checksums summed
 * independently), the canonical line printed back, and each refusal with the column and message
 * the user sees, caret line included for one.
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
#include "emu/pktline.h"

static uint16_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i < n; i++)
		sum += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

static uint32_t ip(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static int build(const char *line, struct nfemu_pktline *pl, uint8_t *buf)
{
	struct nfemu_pktline_err err;
	int rc = nfemu_pktline_parse(line, pl, &err);
	int n;

	if (rc)
		fail_msg("%s: col %d: %s", line, err.col, err.msg);
	n = nfemu_pktline_build(pl, buf, 70000);
	assert_true(n >= 20);
	assert_int_equal(sum16(buf, 20, 0), 0xffff);            /* IP header checksum */
	if (buf[9] == 6 || buf[9] == 17) {
		uint32_t pseudo = sum16(buf + 12, 8, 0) + buf[9] + (uint32_t)(n - 20);
		assert_int_equal(sum16(buf + 20, (size_t)n - 20, pseudo), 0xffff);
	} else if (buf[9] == 1) {
		assert_int_equal(sum16(buf + 20, (size_t)n - 20, 0), 0xffff);
	}
	return n;
}

static void expect_line(const char *line, const char *canon)
{
	static uint8_t buf[70000];
	struct nfemu_pktline pl;
	char out[256];
	int n = build(line, &pl, buf);

	nfemu_pktline_format(buf, (size_t)n, out, sizeof(out));
	assert_string_equal(out, canon);
	nfemu_pktline_format_line(&pl, out, sizeof(out));
	assert_string_equal(out, canon);
	nfemu_pktline_free(&pl);
}

static void test_protocols(void **state)
{
	static uint8_t b[70000];
	struct nfemu_pktline pl;
	int n;

	(void)state;
	n = build("tcp 192.168.1.10:40000 > 198.51.100.7:80 S in eth0", &pl, b);
	assert_int_equal(n, 40);
	assert_int_equal(b[0], 0x45);
	assert_int_equal(b[8], 64);                              /* default ttl */
	assert_int_equal(b[9], 6);
	assert_memory_equal(b + 12, &(uint32_t){ ip("192.168.1.10") }, 4);
	assert_memory_equal(b + 16, &(uint32_t){ ip("198.51.100.7") }, 4);
	assert_int_equal(b[20] << 8 | b[21], 40000);
	assert_int_equal(b[22] << 8 | b[23], 80);
	assert_int_equal(b[33], 0x02);
	assert_int_equal(pl.ingress, NFEMU_PKTLINE_IN_IFACE);
	assert_string_equal(pl.iface, "eth0");
	n = build("udp 10.0.0.1:5353 > 10.0.0.2:53", &pl, b);
	assert_int_equal(n, 28);
	assert_int_equal(b[24] << 8 | b[25], 8);                 /* udp length */
	assert_int_equal(pl.ingress, NFEMU_PKTLINE_IN_DEFAULT);
	n = build("icmp 10.0.0.1 > 10.0.0.2", &pl, b);
	assert_int_equal(n, 28);
	assert_int_equal(b[20], 8);                              /* echo-request by default */
	assert_int_equal(b[24] << 8 | b[25], 1);                 /* echo id */
	n = build("47 10.0.0.1 > 10.0.0.2", &pl, b);
	assert_int_equal(n, 20);
	assert_int_equal(b[9], 47);
	expect_line("tcp 1.2.3.4:5 > 6.7.8.9:443", "tcp 1.2.3.4:5 > 6.7.8.9:443 S");
	expect_line("udp 1.2.3.4:5 > 6.7.8.9:53", "udp 1.2.3.4:5 > 6.7.8.9:53");
	expect_line("icmp 1.2.3.4 > 6.7.8.9", "icmp 1.2.3.4 > 6.7.8.9 type echo-request");
	expect_line("132 1.2.3.4 > 6.7.8.9", "132 1.2.3.4 > 6.7.8.9");
}

static void test_tcp_flags(void **state)
{
	static const struct { const char *text; uint8_t bits; const char *canon; } flags[] = {
		{ "S", 0x02, "S" }, { "S.", 0x12, "S." }, { ".", 0x10, "." }, { "P.", 0x18, "P." },
		{ "F.", 0x11, "F." }, { "R", 0x04, "R" }, { "R.", 0x14, "R." }, { "FP.", 0x19, "FP." },
		{ "[S.]", 0x12, "S." }, { "none", 0, "none" }, { "SEW", 0xc2, "SEW" }, { "U.", 0x30, "U." },
	};
	static uint8_t b[70000];
	char line[128], canon[128];

	(void)state;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		struct nfemu_pktline pl;

		snprintf(line, sizeof(line), "tcp 1.2.3.4:5 > 6.7.8.9:80 %s", flags[i].text);
		build(line, &pl, b);
		assert_int_equal(b[33], flags[i].bits);
		assert_true(pl.has_flags);
		snprintf(canon, sizeof(canon), "tcp 1.2.3.4:5 > 6.7.8.9:80 %s", flags[i].canon);
		expect_line(line, canon);
	}
}

static void test_icmp_types(void **state)
{
	static uint8_t b[70000];
	struct nfemu_pktline pl;
	int n;

	(void)state;
	build("icmp 1.2.3.4 > 6.7.8.9 type echo-reply", &pl, b);
	assert_int_equal(b[20], 0);
	build("icmp 1.2.3.4 > 6.7.8.9 type 3/3", &pl, b);
	assert_int_equal(b[20], 3);
	assert_int_equal(b[21], 3);
	build("icmp 1.2.3.4 > 6.7.8.9 type host-prohibited", &pl, b);
	assert_int_equal(b[20], 3);
	assert_int_equal(b[21], 10);
	build("icmp 1.2.3.4 > 6.7.8.9 type 11", &pl, b);
	assert_int_equal(b[20], 11);
	assert_int_equal(b[21], 0);
	expect_line("icmp 1.2.3.4 > 6.7.8.9 type 3/3", "icmp 1.2.3.4 > 6.7.8.9 type port-unreachable");
	expect_line("icmp 1.2.3.4 > 6.7.8.9 type 0", "icmp 1.2.3.4 > 6.7.8.9 type echo-reply");
	expect_line("icmp 1.2.3.4 > 6.7.8.9 type 42/7", "icmp 1.2.3.4 > 6.7.8.9 type 42/7");
	/* an error quoting the datagram it answers */
	n = build("icmp 10.0.0.1 > 10.0.0.5 type port-unreachable inner udp 10.0.0.5:5000 > 10.0.0.1:53", &pl, b);
	assert_int_equal(n, 20 + 8 + 28);
	assert_non_null(pl.inner);
	assert_int_equal(b[28], 0x45);
	assert_int_equal(b[28 + 9], 17);
	assert_int_equal(b[48] << 8 | b[49], 5000);
	nfemu_pktline_free(&pl);
	assert_null(pl.inner);
}

static void test_options(void **state)
{
	static uint8_t b[70000];
	struct nfemu_pktline pl;
	int n;

	(void)state;
	n = build("tcp 1.2.3.4:5 > 6.7.8.9:80 P. len 100 ttl 3 tos 0x10 frag mark 0xff id 4660 "
		  "payload \"GET /\\r\\n\\x00\\\"\" seq 7 ack 9", &pl, b);
	assert_int_equal(n, 100);
	assert_int_equal(b[1], 0x10);
	assert_int_equal(b[2] << 8 | b[3], 100);
	assert_int_equal(b[4] << 8 | b[5], 4660);
	assert_int_equal(b[6] << 8 | b[7], 0x2000);              /* MF */
	assert_int_equal(b[8], 3);
	assert_true(pl.has_mark);
	assert_int_equal(pl.mark, 0xff);
	assert_int_equal(pl.payload_len, 9);
	assert_memory_equal(b + 40, "GET /\r\n\0\"", 9);
	assert_int_equal(b[49], 0);                              /* padded with zeros to len */
	assert_int_equal(b[24] << 24 | b[25] << 16 | b[26] << 8 | b[27], 7);
	assert_int_equal(b[28] << 24 | b[29] << 16 | b[30] << 8 | b[31], 9);
	build("udp 1.2.3.4:5 > 6.7.8.9:53 from-host mark 4294967295", &pl, b);
	assert_int_equal(pl.ingress, NFEMU_PKTLINE_FROM_HOST);
	assert_int_equal(pl.mark, 0xffffffffu);
	build("udp 1.2.3.4:5 > 6.7.8.9:53 payload \"\" len 28 # a comment", &pl, b);
	assert_int_equal(pl.payload_len, 0);
	assert_int_equal(nfemu_pktline_build(&pl, b, 27), -EMSGSIZE);
	assert_int_equal(nfemu_pktline_parse("udp 1.2.3.4:5 > 6.7.8.9:53 payload \"abcd\" len 30", &pl, NULL), 0);
	assert_int_equal(nfemu_pktline_build(&pl, b, sizeof(b)), -EINVAL);   /* len < 28 + 4 */
}

static void test_header(void **state)
{
	struct nfemu_pktline pl;
	struct nfemu_pktline_err err;

	(void)state;
	assert_int_equal(nfemu_pktline_parse_opt("203.0.113.2:40000 > 198.51.100.7:80", NFEMU_PKTLINE_HEADER,
						 &pl, &err), 0);
	assert_int_equal(pl.proto, 0);
	assert_int_equal(pl.sport, 40000);
	assert_int_equal(pl.daddr, ip("198.51.100.7"));
	assert_int_equal(nfemu_pktline_parse_opt("tcp 1.2.3.4:1 > 5.6.7.8:2 R.", NFEMU_PKTLINE_HEADER, &pl, &err), 0);
	assert_int_equal(pl.tcp_flags, 0x14);
	assert_int_equal(nfemu_pktline_parse("203.0.113.2:40000 > 198.51.100.7:80", &pl, &err), -EINVAL);
	assert_int_equal(err.col, 1);
}

static const struct {
	const char *line;
	int col;
	const char *msg;
} errors[] = {
	{ "", 1, "expected a packet (PROTO SRC[:PORT] > DST[:PORT] ...)" },
	{ "sctp 1.2.3.4 > 5.6.7.8", 1, "unknown protocol 'sctp' (tcp, udp, icmp or a number)" },
	{ "256 1.2.3.4 > 5.6.7.8", 1, "'256' is not a protocol number (0-255)" },
	{ "tcp", 5, "expected the source address" },
	{ "tcp 1.2.3:5 > 5.6.7.8:80", 5, "'1.2.3' is not an IPv4 address" },
	{ "tcp 1.2.3.4:99999 > 5.6.7.8:80", 13, "'99999' is not a port (0-65535)" },
	{ "tcp 1.2.3.4:5", 15, "expected '>'" },
	{ "tcp 1.2.3.4:5 < 5.6.7.8:80", 15, "expected '>' between source and destination" },
	{ "tcp 1.2.3.4:5 >", 17, "expected the destination address" },
	{ "tcp 1.2.3.4:5 > 5.6.7.800:80", 17, "'5.6.7.800' is not an IPv4 address" },
	{ "tcp 1.2.3.4 > 5.6.7.8:80", 12, "tcp needs ports: expected :PORT" },
	{ "udp 1.2.3.4:5 > 5.6.7.8", 24, "udp needs ports: expected :PORT" },
	{ "icmp 1.2.3.4:5 > 5.6.7.8", 13, "only tcp and udp have ports" },
	{ "udp 1.2.3.4:5 > 5.6.7.8:53 S", 28, "only tcp has flags" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 SX", 28, "unknown option 'SX' (in, from-host, len, ttl, tos, frag, mark, payload, id, seq, ack)" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 in eth0 S", 36, "tcp flags go right after the destination" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 in", 31, "expected an interface name after 'in'" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 in averyveryverylongname", 31, "'averyveryverylongname' is not an interface name (1-15 characters)" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 in eth0 from-host", 36, "the ingress is already given (in IFACE or from-host, once)" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 len", 32, "expected a length (20-65535)" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 len 70000", 32, "'len' needs a number: '70000' is not a length (20-65535)" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 len 19", 32, "len 19 is shorter than an IPv4 header (20)" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 ttl 256", 32, "'ttl' needs a number: '256' is not a TTL (0-255)" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 tos 0xfff", 32, "'tos' needs a number: '0xfff' is not a TOS byte (0x00-0xff)" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 id -1", 31, "'id' needs a number: '-1' is not an IP id (0-65535)" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 mark 0x1ffffffff", 33, "'mark' needs a number: '0x1ffffffff' is not a mark (0x0-0xffffffff)" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 frag frag", 33, "'frag' given twice" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 ttl 1 ttl 2", 34, "'ttl' given twice" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 payload", 36, "expected a quoted payload (payload \"text\")" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 payload abc", 36, "the payload goes in double quotes: payload \"text\"" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 payload \"abc", 36, "missing closing quote" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 payload \"a\\qb\"", 38, "unknown escape (use \\n \\t \\r \\0 \\\\ \\\" \\xNN)" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 payload \"\\x4\"", 37, "\\x needs two hex digits" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 payload \"a\"b", 39, "expected a space after the closing quote" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 \"x\"", 28, "a quoted string belongs after 'payload'" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 type 3", 28, "only icmp has a type" },
	{ "icmp 1.2.3.4 > 5.6.7.8 seq 1", 24, "only tcp has 'seq'" },
	{ "icmp 1.2.3.4 > 5.6.7.8 type", 29, "expected an icmp type (echo-request, port-unreachable, 8, 3/3 ...)" },
	{ "icmp 1.2.3.4 > 5.6.7.8 type bogus", 29, "unknown icmp type 'bogus' (a name as iptables -p icmp -h lists, TYPE or TYPE/CODE)" },
	{ "icmp 1.2.3.4 > 5.6.7.8 type 3/256", 29, "unknown icmp type '3/256' (a name as iptables -p icmp -h lists, TYPE or TYPE/CODE)" },
	{ "icmp 1.2.3.4 > 5.6.7.8 inner udp 1.1.1.1:1 > 2.2.2.2:2", 24, "only icmp errors (type 3, 4, 5, 11, 12) carry an inner packet" },
	{ "icmp 1.2.3.4 > 5.6.7.8 type 3/3 inner", 39, "expected the inner packet (PROTO SRC[:PORT] > DST[:PORT])" },
	{ "icmp 1.2.3.4 > 5.6.7.8 type 3/3 inner udp 5.6.7.8:1 > 1.2.3.4:x", 63, "'x' is not a port (0-65535)" },
	{ "icmp 1.2.3.4 > 5.6.7.8 type 3/3 inner icmp 5.6.7.8 > 1.2.3.4 type 3/3 inner udp 1.1.1.1:1 > 2.2.2.2:2", 39, "an inner packet cannot nest another" },
	{ "tcp 1.2.3.4:5 > 5.6.7.8:80 bogus", 28, "unknown option 'bogus' (in, from-host, len, ttl, tos, frag, mark, payload, id, seq, ack)" },
	{ "udp 1.2.3.4:5 > 5.6.7.8:53 bogus", 28, "unknown option 'bogus' (in, from-host, len, ttl, tos, frag, mark, payload, id)" },
	{ "icmp 1.2.3.4 > 5.6.7.8 bogus", 24, "unknown option 'bogus' (in, from-host, len, ttl, tos, frag, mark, payload, id, type)" },
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		struct nfemu_pktline pl;
		struct nfemu_pktline_err err;

		if (nfemu_pktline_parse(errors[i].line, &pl, &err) != -EINVAL)
			fail_msg("accepted: %s", errors[i].line);
		if (err.col != errors[i].col || strcmp(err.msg, errors[i].msg))
			fail_msg("%s\n  got col %d: %s\n  want col %d: %s", errors[i].line, err.col, err.msg,
				 errors[i].col, errors[i].msg);
		assert_null(pl.inner);
	}
}

static void test_error_caret(void **state)
{
	struct nfemu_pktline pl;
	struct nfemu_pktline_err err;
	char buf[512];
	const char *line = "\tpacket tcp 1.2.3.4:5 > 5.6.7.8:80 ttl x";

	(void)state;
	assert_int_equal(nfemu_pktline_parse(line + 8, &pl, &err), -EINVAL);
	nfemu_pktline_format_error(buf, sizeof(buf), "web.spec", 7, line, 8, &err);
	assert_string_equal(buf, "web.spec:7:40: 'ttl' needs a number: 'x' is not a TTL (0-255)\n"
			    "  \tpacket tcp 1.2.3.4:5 > 5.6.7.8:80 ttl x\n"
			    "  \t                                      ^");
	assert_int_equal(nfemu_pktline_parse("tcp 1.2.3.4:5 > 5.6.7.8:80 in eth0 bogus", &pl, &err), -EINVAL);
	nfemu_pktline_format_error(buf, sizeof(buf), "-", 1, "tcp 1.2.3.4:5 > 5.6.7.8:80 in eth0 bogus", 0, &err);
	assert_string_equal(buf, "-:1:36: unknown option 'bogus' (in, from-host, len, ttl, tos, frag, mark, payload, id, seq, ack)\n"
			    "  tcp 1.2.3.4:5 > 5.6.7.8:80 in eth0 bogus\n"
			    "                                     ^~~~~");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protocols),
		cmocka_unit_test(test_tcp_flags),
		cmocka_unit_test(test_icmp_types),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_caret),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
