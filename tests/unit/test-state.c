/* tests/unit/test-state.c - the state file: round trip, and hostile images never crash.
 *
 * A kernel with several tables, a user chain, rules with matches and counters is serialized;
 * the image must load back to the same bytes, every truncation must be refused with a line
 * naming a byte offset, and images with bytes flipped (checksum fixed up, so the parser and
 * the emulated kernel's own checks are reached) must either load or be refused with a reason
 * -- under ASan/UBSan in CI, never a crash or a leak.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include <linux/netfilter/xt_tcpudp.h>
#include <linux/netfilter/xt_mark.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "emu/state.h"
#include "xtables/ip_tables.h"
#include "blob.h"

#define FILTER_HOOKS ((1 << NF_INET_LOCAL_IN) | (1 << NF_INET_FORWARD) | (1 << NF_INET_LOCAL_OUT))

/* The same CRC-32 the state file uses (zlib's), written separately. */
static uint32_t crc32_ieee(const unsigned char *p, size_t len)
{
	uint32_t crc = 0xffffffffu;

	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = (crc & 1) ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
	}
	return ~crc;
}

/* filter: INPUT -p tcp --dport 22 -j ssh; ssh: -m mark --mark 1 -j ACCEPT; counters on. */
static struct net *kernel_with_rules(void)
{
	static const struct ipt_ip ip_tcp = { .proto = IPPROTO_TCP };
	struct xt_tcp tcp = { .spts = { 0, 0xffff }, .dpts = { 22, 22 } };
	struct xt_mark_mtinfo1 mark = { .mark = 1, .mask = 0xffffffff };
	struct ipt_getinfo info = { .name = "mangle" };
	struct net *net = net_alloc();
	struct ipt_replace *r;
	struct xt_counters_info *ci;
	struct blob *b;
	unsigned int len;
	int ilen = sizeof(info);

	assert_non_null(net);
	assert_int_equal(net_boot(net), 0);
	/* a second table, created on first access */
	assert_int_equal(do_ipt_get_ctl(net, IPT_SO_GET_INFO, &info, &ilen), 0);

	b = blob_begin("filter", FILTER_HOOKS);
	blob_open_hook(b, NF_INET_LOCAL_IN);
	blob_rule(b, &ip_tcp);
	blob_match(b, "tcp", 0, &tcp, sizeof(tcp));
	blob_jump(b, "ssh");
	blob_close_hooks(b);
	blob_chain(b, "ssh");
	blob_rule(b, &(struct ipt_ip){ 0 });
	blob_match(b, "mark", 1, &mark, sizeof(mark));
	blob_verdict(b, -NF_ACCEPT - 1);
	blob_return(b);
	r = blob_error_end(b, &len);
	r->num_counters = 4;            /* the initial filter table has 4 entries */
	r->counters = calloc(r->num_counters, sizeof(struct xt_counters));
	assert_int_equal(do_ipt_set_ctl(net, IPT_SO_SET_REPLACE, r, len), 0);

	/* counters, as iptables-restore -c sets them */
	ci = calloc(1, sizeof(*ci) + r->num_entries * sizeof(struct xt_counters));
	snprintf(ci->name, sizeof(ci->name), "filter");
	ci->num_counters = r->num_entries;
	for (unsigned int i = 0; i < r->num_entries; i++)
		ci->counters[i] = (struct xt_counters){ .pcnt = 10 + i, .bcnt = 1000 * (i + 1) };
	assert_int_equal(do_ipt_set_ctl(net, IPT_SO_SET_ADD_COUNTERS, ci,
					sizeof(*ci) + r->num_entries * sizeof(struct xt_counters)), 0);
	free(ci);
	free(r->counters);
	free(r);
	return net;
}

static int load(const unsigned char *buf, size_t len, char *err, size_t errlen)
{
	struct net *net = net_alloc();
	int ret;

	err[0] = '\0';
	ret = nfemu_state_deserialize(net, buf, len, err, errlen);
	net_free(net);
	return ret;
}

static void test_state_round_trip_is_byte_identical(void **state)
{
	struct net *net = kernel_with_rules(), *again = net_alloc();
	unsigned char *img, *img2;
	size_t len, len2;
	char err[512] = "";

	(void)state;
	assert_int_equal(nfemu_state_serialize(net, &img, &len), 0);
	assert_int_equal(nfemu_state_deserialize(again, img, len, err, sizeof(err)), 0);
	assert_int_equal(nfemu_state_serialize(again, &img2, &len2), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(img, img2, len);
	/* the tables came back in the same order (newest first) */
	{
		char *names = xt_proc_show(again, NFPROTO_IPV4, "names");

		assert_string_equal(names, "filter\nmangle\n");
		free(names);
	}
	free(img);
	free(img2);
	net_free(net);
	net_free(again);
}

static void test_state_every_truncation_is_refused_with_an_offset(void **state)
{
	struct net *net = kernel_with_rules();
	unsigned char *img;
	size_t len;
	char err[512];

	(void)state;
	assert_int_equal(nfemu_state_serialize(net, &img, &len), 0);
	net_free(net);
	for (size_t cut = 0; cut < len; cut++) {
		if (load(img, cut, err, sizeof(err)) == 0)
			fail_msg("an image truncated at byte %zu of %zu loaded", cut, len);
		if (!strstr(err, "byte"))
			fail_msg("truncated at %zu: the error names no byte offset: \"%s\"", cut, err);
	}
	free(img);
}

static void test_state_flipped_bytes_load_or_are_refused(void **state)
{
	struct net *net = kernel_with_rules();
	unsigned char *img, *c;
	size_t len;
	char err[512];
	unsigned int refused = 0, loaded = 0, crc_caught = 0;

	(void)state;
	assert_int_equal(nfemu_state_serialize(net, &img, &len), 0);
	net_free(net);
	c = malloc(len);
	for (size_t i = 0; i < len; i += 3) {
		for (int v = 0; v < 3; v++) {
			uint32_t crc;

			memcpy(c, img, len);
			c[i] ^= v == 0 ? 0x01 : v == 1 ? 0x80 : 0xff;
			/* as corrupted on disk: the checksum catches it */
			if (i >= 24 && load(c, len, err, sizeof(err)) == 0)
				fail_msg("a flipped byte at %zu passed the checksum", i);
			else if (i >= 24)
				crc_caught++;
			/* as crafted: checksum fixed up, so the parser and the kernel's checks decide */
			if (len > 24) {
				crc = crc32_ieee(c + 24, len - 24);
				memcpy(c + 12, &crc, sizeof(crc));
			}
			if (load(c, len, err, sizeof(err)) == 0) {
				loaded++;
			} else {
				refused++;
				if (!err[0])
					fail_msg("byte %zu flipped: refused without a reason", i);
			}
		}
	}
	assert_true(refused > 0);
	assert_true(crc_caught > 0);
	print_message("%u crafted images refused with a reason, %u loaded, %u caught by the checksum\n",
		      refused, loaded, crc_caught);
	free(c);
	free(img);
}

/* A conntrack file reference (section 5) in an image read from memory: there is no file to
 * follow, so the image is refused with the byte of the section; a reference of the wrong
 * size is refused too.  (tests/shell/ct_file.sh covers the files themselves.) */
static void test_state_conntrack_file_reference_from_memory_is_refused(void **state)
{
	struct net *net = kernel_with_rules();
	unsigned char *img, *c;
	size_t len;
	char err[256];

	(void)state;
	assert_int_equal(nfemu_state_serialize(net, &img, &len), 0);
	net_free(net);
	for (uint32_t slen = 24; slen <= 28; slen += 4) {
		uint32_t hdr[2] = { 5, slen }, crc;
		uint64_t body;
		struct net *n2;

		c = calloc(1, len + 8 + slen);
		assert_non_null(c);
		memcpy(c, img, len);
		memcpy(c + len, hdr, sizeof(hdr));
		c[len + 8] = 1;                 /* id 1 */
		c[len + 16] = 100;              /* 100 bytes */
		body = len + 8 + slen - 24;
		memcpy(c + 16, &body, sizeof(body));
		crc = crc32_ieee(c + 24, body);
		memcpy(c + 12, &crc, sizeof(crc));
		n2 = net_alloc();
		assert_non_null(n2);
		err[0] = '\0';
		assert_int_equal(nfemu_state_deserialize(n2, c, len + 8 + slen, err, sizeof(err)), -EINVAL);
		print_message("%s\n", err);
		if (slen == 24)
			assert_non_null(strstr(err, "the conntrack table is in a file of its own"));
		else
			assert_non_null(strstr(err, "conntrack file reference of 28 bytes"));
		net_free(n2);
		free(c);
	}
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_round_trip_is_byte_identical),
		cmocka_unit_test(test_state_every_truncation_is_refused_with_an_offset),
		cmocka_unit_test(test_state_flipped_bytes_load_or_are_refused),
		cmocka_unit_test(test_state_conntrack_file_reference_from_memory_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
