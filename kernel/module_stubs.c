/* kernel/module_stubs.c - modules that other modules depend on and whose code nfemu has
 * elsewhere or not yet.
 *
 * They exist so that loading xt_conntrack pulls in nf_conntrack, xt_LOG pulls in
 * nf_log_syslog, and so on, with the holders and reference counts /proc/modules shows on
 * Linux.  EMU: their init does nothing.  nf_nat and nf_nat_ftp (nat/), nf_conntrack_ftp and
 * nf_conncount (conntrack/) are real modules.
 */
#include "kernel/module.h"

#define STUB_MODULE(n, sz, ...) \
	const struct module_info module_info_##n = { .name = #n, .size = sz, __VA_ARGS__ }

STUB_MODULE(libcrc32c, 12288);
STUB_MODULE(nf_defrag_ipv6, 24576);
STUB_MODULE(nfnetlink, 20480);
STUB_MODULE(nfnetlink_log, 24576, .depends = MODULE_DEPS("nfnetlink"),
	    .aliases = MODULE_ALIASES("nf-logger-2-1"));
STUB_MODULE(nfnetlink_queue, 28672, .depends = MODULE_DEPS("nfnetlink"));
STUB_MODULE(nfnetlink_acct, 16384, .depends = MODULE_DEPS("nfnetlink"));
STUB_MODULE(nfnetlink_osf, 16384, .depends = MODULE_DEPS("nfnetlink"));
STUB_MODULE(ip_set, 61440, .depends = MODULE_DEPS("nfnetlink"));
STUB_MODULE(nf_reject_ipv4, 16384);
STUB_MODULE(nf_synproxy_core, 24576, .depends = MODULE_DEPS("nf_conntrack"));
STUB_MODULE(nf_tproxy_ipv4, 16384);
STUB_MODULE(nf_socket_ipv4, 12288);
