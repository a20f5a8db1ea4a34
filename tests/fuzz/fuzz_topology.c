/* tests/fuzz/fuzz_topology.c - EMU: fuzz the topology parser (emu/topology.c).
 *
 * An input is a topology file's text, read into a freshly booted stack the way
 * `nfemu replay --topology` reads it.  Errors are fine (they carry file:line:col); crashes,
 * leaks and undefined behaviour are not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/net.h"
#include "emu/topology.h"
#include "netstack/inet.h"
#include "tests/fuzz/common.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net *net = net_alloc();
	char err[1024];
	char *text;
	int ret;

	if (!net || net_boot(net) || inet_net_init(net))
		abort();
	text = malloc(size + 1);
	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	ret = nfemu_topology_load_string(net, "fuzz", text, err, sizeof(err));
	if (fuzz_verbose)
		printf("%d %s\n", ret, err);
	free(text);
	net_free(net);
	return 0;
}
