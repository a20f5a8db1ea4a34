/* hooks/nf_log.h - the netfilter logging core: loggers per family, LOG/TRACE lines.
 *
 * Mirrors include/net/netfilter/nf_log.h and net/netfilter/nf_log.c.  A logger (nf_log_syslog
 * for the kernel log, nfnetlink_log for NFLOG) registers per family and type; the LOG target
 * asks for the registered LOG-type logger, TRACE for the logger bound in the net
 * (/proc/sys/net/netfilter/nf_log/2).
 * EMU: the registry is per struct net, not global; "the kernel log" is net->log_sink, which
 * `nfemu replay` points at its trace output.
 */
#ifndef NFEMU_HOOKS_NF_LOG_H
#define NFEMU_HOOKS_NF_LOG_H

#include <linux/netfilter.h>
#include <linux/netfilter/nf_log.h>
#include <stddef.h>
#include "kernel/kernel.h"

#define NF_LOG_DEFAULT_MASK 0x0f
#define NF_LOG_F_COPY_LEN 0x1

struct net;
struct sk_buff;
struct net_device;
struct module;

enum nf_log_type {
	NF_LOG_TYPE_LOG = 0,
	NF_LOG_TYPE_ULOG,
	NF_LOG_TYPE_MAX
};

struct nf_loginfo {
	u_int8_t type;
	union {
		struct {
			u_int32_t copy_len;     /* used iff NF_LOG_F_COPY_LEN in flags */
			u_int16_t group;
			u_int16_t qthreshold;
			u_int16_t flags;
		} ulog;
		struct {
			u_int8_t level;
			u_int8_t logflags;
		} log;
	} u;
};

typedef void nf_logfn(struct net *net, u_int8_t pf, unsigned int hooknum, const struct sk_buff *skb,
		      const struct net_device *in, const struct net_device *out,
		      const struct nf_loginfo *li, const char *prefix);

struct nf_logger {
	const char *name;
	enum nf_log_type type;
	nf_logfn *logfn;
	struct module *me;
};

/* Per-net logging state (EMU: kernel-global loggers[][] kept here too). */
struct netns_nf_log {
	const struct nf_logger *loggers[NFPROTO_NUMPROTO][NF_LOG_TYPE_MAX];   /* registered */
	const struct nf_logger *nf_loggers[NFPROTO_NUMPROTO];                /* bound (sysctl) */
	/* EMU: the kernel log.  level is the printk level (0..7); line (len bytes, then a NUL)
	 * has no newline.  NULL: no one reads it, and the kernel log's logger formats nothing. */
	void (*sink)(void *ctx, int level, const char *line, size_t len);
	void *sink_ctx;
};

int nf_log_register(struct net *net, u_int8_t pf, const struct nf_logger *logger);
void nf_log_unregister(struct net *net, const struct nf_logger *logger);
int nf_log_bind_pf(struct net *net, u_int8_t pf, const struct nf_logger *logger);
/* Find the logger of (pf, type), loading its module ("nf-logger-PF-TYPE"), and hold it. */
int nf_logger_find_get(struct net *net, int pf, enum nf_log_type type);
void nf_logger_put(struct net *net, int pf, enum nf_log_type type);

__attribute__((format(printf, 8, 9)))
void nf_log_packet(struct net *net, u_int8_t pf, unsigned int hooknum, const struct sk_buff *skb,
		   const struct net_device *in, const struct net_device *out,
		   const struct nf_loginfo *li, const char *fmt, ...);
__attribute__((format(printf, 8, 9)))
void nf_log_trace(struct net *net, u_int8_t pf, unsigned int hooknum, const struct sk_buff *skb,
		  const struct net_device *in, const struct net_device *out,
		  const struct nf_loginfo *li, const char *fmt, ...);

/* EMU: nf_log_packet/nf_log_trace with the prefix already formatted (the hot callers: TRACE
 * per rule, LOG), so nothing parses a format per line. */
void nf_log_packet_prefix(struct net *net, u_int8_t pf, unsigned int hooknum, const struct sk_buff *skb,
			  const struct net_device *in, const struct net_device *out,
			  const struct nf_loginfo *li, const char *prefix);
void nf_log_trace_prefix(struct net *net, u_int8_t pf, unsigned int hooknum, const struct sk_buff *skb,
			 const struct net_device *in, const struct net_device *out,
			 const struct nf_loginfo *li, const char *prefix);

/* nf_log_buf: build one log line, then hand it to the kernel log at a level.  Linux keeps
 * S_SIZE bytes: a piece that does not fit is cut there and nothing after it is kept, so a
 * line is the first S_SIZE - 1 bytes of what was added.
 * EMU: the line is built in a larger buffer, and cut to that when it is closed: the logger
 * appends its fields without a check each (NF_LOG_EMU_LINE bounds the longest line
 * nf_log_syslog writes: a 127-byte prefix and an ICMP error quoting a TCP header, IP and TCP
 * options on both, are about 1100 bytes). */
#define S_SIZE (1024 - (sizeof(unsigned int) + 1))
#define NF_LOG_EMU_LINE 2048

struct nf_log_buf {
	unsigned int count;
	char buf[NF_LOG_EMU_LINE + 1];
};

struct nf_log_buf *nf_log_buf_open(void);
__attribute__((format(printf, 2, 3)))
int nf_log_buf_add(struct nf_log_buf *m, const char *f, ...);
/* EMU: append n bytes as nf_log_buf_add(m, "%s", ...) would. */
int nf_log_buf_put(struct nf_log_buf *m, const char *s, size_t n);
void nf_log_buf_close(struct net *net, struct nf_log_buf *m, int level);

#endif
