/* tests/fuzz/fuzz_state.c - EMU: fuzz the state-file loader (emu/state.c).
 *
 * An input is a state file.  It is loaded into a fresh kernel; a file that loads must
 * serialize to an image that loads again into the same image (the round trip every nfemu
 * process makes), and anything else is a finding too.  The header's body length and CRC-32
 * are recomputed first, so mutations reach the sections instead of the checksum refusal
 * (tests/unit/test-state.c covers that one).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/net.h"
#include "emu/state.h"
#include "tests/fuzz/common.h"

#define STATE_HDRLEN 24

/* zlib's crc32 (IEEE 802.3, reflected), as emu/state.c computes it */
static uint32_t crc32_ieee(const unsigned char *p, size_t len)
{
	uint32_t crc = 0xffffffffu;

	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = crc >> 1 ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static void put_le(unsigned char *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static struct net *load(const unsigned char *buf, size_t len, char *err, size_t errlen)
{
	struct net *net = net_alloc();

	if (!net)
		abort();
	if (nfemu_state_deserialize(net, buf, len, err, errlen)) {
		net_free(net);
		return NULL;
	}
	return net;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *img1 = NULL, *img2 = NULL;
	size_t len1 = 0, len2 = 0;
	char err[1024] = "";
	struct net *net;

	unsigned char *in = malloc(size ? size : 1);

	if (!in)
		abort();
	memcpy(in, data, size);
	if (size >= STATE_HDRLEN && !memcmp(in, "NFEMUST", 8)) {
		put_le(in + 16, size - STATE_HDRLEN, 8);
		put_le(in + 12, crc32_ieee(in + STATE_HDRLEN, size - STATE_HDRLEN), 4);
	}
	net = load(in, size, err, sizeof(err));
	free(in);
	if (fuzz_verbose)
		printf("%s\n", net ? "loaded" : err);
	if (!net)
		return 0;
	if (nfemu_state_serialize(net, &img1, &len1))
		abort();
	net_free(net);
	net = load(img1, len1, err, sizeof(err));
	if (!net) {
		fprintf(stderr, "fuzz_state: a saved kernel does not load again: %s\n", err);
		abort();
	}
	if (nfemu_state_serialize(net, &img2, &len2))
		abort();
	if (len1 != len2 || memcmp(img1, img2, len1)) {
		fprintf(stderr, "fuzz_state: load(save(load(x))) saves differently\n");
		abort();
	}
	net_free(net);
	free(img1);
	free(img2);
	return 0;
}
