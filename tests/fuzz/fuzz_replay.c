/* tests/fuzz/fuzz_replay.c - EMU: fuzz the capture readers and the whole packet path.
 *
 * An input is a capture file (pcap or pcapng, any link type nfemu reads), replayed exactly as
 * `nfemu replay --topology replay/topology --state S --trace /dev/null --jsonl /dev/null
 * --explain --egress D --seed N` would (cmd_replay itself, in process), with a kernel loaded with
 * replay/rules.v4: conntrack with defrag, the FTP helper, NOTRACK and CONNMARK, REJECT
 * variants, LOG, limit/hashlimit/recent/connlimit/quota/statistic, mangle rewrites, a small-MTU
 * interface (fragmentation) and an unresolved next hop (packets waiting on a neighbour).
 * The ruleset arrives as the ABI records iptables-legacy-restore sent (replay/rules.rec), so
 * this target does not depend on the state file's format; the state is rebuilt per input.
 */
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include "emu/cli.h"
#include "kernel/net.h"
#include "emu/state.h"
#include "hooks/nf_sockopt.h"
#include "tests/fuzz/common.h"

#ifndef FUZZ_DATA_DIR
#error "FUZZ_DATA_DIR (tests/fuzz in the source tree) must be defined"
#endif

static char fuzz_dir[64], fuzz_state[96], fuzz_egress[96];
static unsigned char *fuzz_state_img;
static size_t fuzz_state_len;

static unsigned char *read_all(const char *path, size_t *lenp)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto fail;
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		goto fail;
	fclose(f);
	*lenp = (size_t)n;
	return buf;
fail:
	fprintf(stderr, "fuzz_replay: cannot read %s\n", path);
	abort();
}

/* The kernel replay starts from: rules.rec's SET_REPLACE/ADD_COUNTERS applied to a fresh
 * boot, serialized as a state file image. */
static void build_state(void)
{
	size_t len, off = 0;
	unsigned char *rec = read_all(FUZZ_DATA_DIR "/replay/rules.rec", &len);
	struct net *net = net_alloc();

	if (!net || net_boot(net))
		abort();
	while (off + 6 <= len) {
		unsigned int op = rec[off], l = rec[off + 2] | rec[off + 3] << 8 |
			rec[off + 4] << 16 | (unsigned int)rec[off + 5] << 24;
		unsigned char *buf = rec + off + 6;

		if (off + 6 + l > len)
			abort();
		if (op == 0 && l >= sizeof(struct ipt_replace)) {
			struct ipt_replace r;

			memcpy(&r, buf, sizeof(r));
			r.counters = calloc(r.num_counters + 1, sizeof(struct xt_counters));
			memcpy(buf, &r, sizeof(r));
			if (nf_setsockopt(net, PF_INET, IPT_SO_SET_REPLACE, buf, l))
				abort();
			free(r.counters);
		} else if (op == 1 && nf_setsockopt(net, PF_INET, IPT_SO_SET_ADD_COUNTERS, buf, l)) {
			abort();
		}
		off += 6 + l;
	}
	if (nfemu_state_serialize(net, &fuzz_state_img, &fuzz_state_len))
		abort();
	net_free(net);
	free(rec);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* the working directory goes when the process ends (libFuzzer and standalone.c exit()) */
static void rm_dir(void)
{
	nftw(fuzz_dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	snprintf(fuzz_dir, sizeof(fuzz_dir), "/tmp/nfemu-fuzz-replay.XXXXXX");
	if (!mkdtemp(fuzz_dir))
		abort();
	atexit(rm_dir);
	snprintf(fuzz_state, sizeof(fuzz_state), "%s/state", fuzz_dir);
	snprintf(fuzz_egress, sizeof(fuzz_egress), "%s/egress", fuzz_dir);
	build_state();
	fuzz_quiet_stdout();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char capture[64], seed[24];
	FILE *f;
	char *argv[] = {
		"replay", "--topology", FUZZ_DATA_DIR "/replay/topology", "--state", fuzz_state,
		"--trace", "/dev/null", "--jsonl", "/dev/null", "--explain", "--egress", fuzz_egress,
		"--seed", seed, capture, NULL,
	};

	/* a fresh kernel per input: replay writes the counters back */
	f = fopen(fuzz_state, "wb");
	if (!f || fwrite(fuzz_state_img, 1, fuzz_state_len, f) != fuzz_state_len || fclose(f))
		abort();
	snprintf(seed, sizeof(seed), "%zu", size);
	fuzz_memfile("capture", data, size, capture, sizeof(capture));
	cmd_replay((int)(sizeof(argv) / sizeof(argv[0])) - 1, argv);
	fflush(stdout);
	return 0;
}
