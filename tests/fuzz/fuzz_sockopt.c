/* tests/fuzz/fuzz_sockopt.c - EMU: fuzz the ip_tables sockopt ABI (translate_table & co.).
 *
 * An input is a sequence of records, each `u8 op, u8 flags, u32 len (LE), len bytes`, handed
 * to a freshly booted kernel through nf_setsockopt/nf_getsockopt as iptables would:
 * op % 6 = 0 IPT_SO_SET_REPLACE, 1 SET_ADD_COUNTERS, 2 GET_INFO, 3 GET_ENTRIES,
 * 4 GET_REVISION_MATCH, 5 GET_REVISION_TARGET; the bytes are the sockopt buffer.  The seeds
 * are what the real iptables-legacy-restore/-save sent for the rulesets of
 * tests/kernel/restore-save (recorded by the shim, NFEMU_SHIM_RECORD).  The old-counters
 * pointer inside SET_REPLACE is
 * replaced by one to a buffer of the right size (flags bit 0 clear) or an unmapped address
 * (bit 0 set): a user pointer is the one thing the fuzzer must not choose.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "emu/refusal.h"
#include "kernel/net.h"
#include "hooks/nf_sockopt.h"
#include "tests/fuzz/common.h"

#define FUZZ_MAX_COUNTERS 4096

static const int fuzz_optnames[6][2] = {
	{ 0, IPT_SO_SET_REPLACE }, { 0, IPT_SO_SET_ADD_COUNTERS },
	{ 1, IPT_SO_GET_INFO }, { 1, IPT_SO_GET_ENTRIES },
	{ 1, IPT_SO_GET_REVISION_MATCH }, { 1, IPT_SO_GET_REVISION_TARGET },
};

static const char *const fuzz_opnames[6] = {
	"SET_REPLACE", "SET_ADD_COUNTERS", "GET_INFO", "GET_ENTRIES", "GET_REVISION_MATCH",
	"GET_REVISION_TARGET",
};

static struct xt_counters fuzz_counters[FUZZ_MAX_COUNTERS];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void fuzz_fix_replace(unsigned char *buf, unsigned int len, unsigned char flags)
{
	struct ipt_replace r;

	if (len < sizeof(r))
		return;
	memcpy(&r, buf, sizeof(r));
	if (!(flags & 1) && r.num_counters <= FUZZ_MAX_COUNTERS)
		r.counters = fuzz_counters;
	else
		r.counters = (struct xt_counters *)(uintptr_t)16;      /* EFAULT */
	memcpy(buf, &r, sizeof(r));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net *net = net_alloc();

	if (!net || net_boot(net))
		abort();
	while (size >= 6) {
		unsigned int op = data[0] % 6, flags = data[1], len;
		unsigned char *buf;
		int ret, olen;

		len = data[2] | data[3] << 8 | data[4] << 16 | (unsigned int)data[5] << 24;
		data += 6;
		size -= 6;
		if (len > size)
			len = (unsigned int)size;
		/* an exact-size copy, so ASan sees any read past what the caller passed */
		buf = malloc(len ? len : 1);
		if (!buf)
			abort();
		memcpy(buf, data, len);
		data += len;
		size -= len;
		memset(&net->refusal, 0, sizeof(net->refusal));
		if (fuzz_optnames[op][0]) {
			olen = (int)len;
			ret = nf_getsockopt(net, PF_INET, fuzz_optnames[op][1], buf, &olen);
		} else {
			if (op == 0)
				fuzz_fix_replace(buf, len, (unsigned char)flags);
			ret = nf_setsockopt(net, PF_INET, fuzz_optnames[op][1], buf, len);
		}
		if (fuzz_verbose)
			printf("%s %u bytes: %d%s%s\n", fuzz_opnames[op], len, ret,
			       ret < 0 ? " " : "", ret < 0 ? strerrorname_np(-ret) : "");
		if (fuzz_verbose && ret < 0 && nfemu_last_error(net)[0])
			printf("  %s\n", nfemu_last_error(net));
		free(buf);
	}
	net_free(net);
	return 0;
}
