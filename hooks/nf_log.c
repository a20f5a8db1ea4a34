/* hooks/nf_log.c - the logging core: logger registry, binding, nf_log_packet/nf_log_trace.
 *
 * Mirrors net/netfilter/nf_log.c.  Loggers register per (family, type); nf_log_packet with a
 * loginfo uses the registered logger of that type (LOG, NFLOG), without one the logger bound
 * in the net; nf_log_trace (TRACE) always the bound one.  nf_log_buf collects one line.
 * EMU: registry and binding live in struct net (net->nf.log); "the kernel log" (printk) is
 * net->nf.log.sink, which `nfemu replay` points at its trace output.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "kernel/module.h"
#include "kernel/net.h"
#include "hooks/nf_log.h"


int nf_log_register(struct net *net, u_int8_t pf, const struct nf_logger *logger)
{
	struct netns_nf_log *l = &net->nf.log;

	if (pf >= NFPROTO_NUMPROTO)
		return -EINVAL;
	if (pf == NFPROTO_UNSPEC) {
		for (int i = NFPROTO_UNSPEC; i < NFPROTO_NUMPROTO; i++)
			if (l->loggers[i][logger->type])
				return -EEXIST;
		for (int i = NFPROTO_UNSPEC; i < NFPROTO_NUMPROTO; i++)
			l->loggers[i][logger->type] = logger;
	} else {
		if (l->loggers[pf][logger->type])
			return -EEXIST;
		l->loggers[pf][logger->type] = logger;
	}
	return 0;
}

void nf_log_unregister(struct net *net, const struct nf_logger *logger)
{
	struct netns_nf_log *l = &net->nf.log;

	for (int i = 0; i < NFPROTO_NUMPROTO; i++) {
		if (l->loggers[i][logger->type] == logger)
			l->loggers[i][logger->type] = NULL;
		if (l->nf_loggers[i] == logger)
			l->nf_loggers[i] = NULL;
	}
}

/* nf_log_set: bind logger for pf in this net unless one is bound already. */
int nf_log_bind_pf(struct net *net, u_int8_t pf, const struct nf_logger *logger)
{
	if (pf == NFPROTO_UNSPEC || pf >= NFPROTO_NUMPROTO)
		return -EOPNOTSUPP;
	if (!net->nf.log.nf_loggers[pf])
		net->nf.log.nf_loggers[pf] = logger;
	return 0;
}

int nf_logger_find_get(struct net *net, int pf, enum nf_log_type type)
{
	const struct nf_logger *logger;

	if (pf >= NFPROTO_NUMPROTO || type >= NF_LOG_TYPE_MAX)
		return -EINVAL;
	if (pf == NFPROTO_INET) {
		int ret = nf_logger_find_get(net, NFPROTO_IPV4, type);

		if (ret < 0)
			return ret;
		ret = nf_logger_find_get(net, NFPROTO_IPV6, type);
		if (ret < 0) {
			nf_logger_put(net, NFPROTO_IPV4, type);
			return ret;
		}
		return 0;
	}
	logger = net->nf.log.loggers[pf][type];
	if (!logger)
		return -ENOENT;
	return try_module_get(logger->me) ? 0 : -ENOENT;
}

void nf_logger_put(struct net *net, int pf, enum nf_log_type type)
{
	const struct nf_logger *logger;

	if (pf == NFPROTO_INET) {
		nf_logger_put(net, NFPROTO_IPV4, type);
		nf_logger_put(net, NFPROTO_IPV6, type);
		return;
	}
	if (pf >= NFPROTO_NUMPROTO || type >= NF_LOG_TYPE_MAX)
		return;
	logger = net->nf.log.loggers[pf][type];
	if (logger)
		module_put(logger->me);
}

/* EMU: nothing is formatted when no one reads the kernel log (no sink: `nfemu replay` without
 * --trace or --jsonl) and the logger is the kernel log's. */
static const struct nf_logger *nf_log_packet_logger(struct net *net, u_int8_t pf,
						    const struct nf_loginfo *loginfo)
{
	const struct nf_logger *logger;

	if (pf >= NFPROTO_NUMPROTO)
		return NULL;
	if (loginfo)
		logger = loginfo->type < NF_LOG_TYPE_MAX ? net->nf.log.loggers[pf][loginfo->type] : NULL;
	else
		logger = net->nf.log.nf_loggers[pf];
	if (logger && logger->type == NF_LOG_TYPE_LOG && !net->nf.log.sink)
		return NULL;
	return logger;
}

/* EMU: tell --explain that nf_log_packet was called, with which logger, for what (binary;
 * emu/explain_text.c words it). */
static void nf_log_observe(struct net *net, u_int8_t pf, unsigned int hooknum,
			   const struct sk_buff *skb, const struct nf_loginfo *loginfo,
			   const struct nf_logger *logger, const char *prefix)
{
	struct nfemu_log_event le = { .hook = (u8)hooknum, .pf = pf, .has_loginfo = loginfo != NULL,
				      .logger = logger ? logger->name : NULL, .prefix = prefix };
	struct nfemu_event ev = { .type = NFEMU_EV_NF_LOG, .skb = skb, .log = &le };

	if (loginfo) {
		le.type = loginfo->type;
		if (loginfo->type == NF_LOG_TYPE_LOG) {
			le.level = loginfo->u.log.level;
			le.logflags = loginfo->u.log.logflags;
		} else {
			le.group = loginfo->u.ulog.group;
		}
	} else if (logger) {
		le.type = (u8)logger->type;
	}
	nfemu_observe(net, &ev);
}

void nf_log_packet(struct net *net, u_int8_t pf, unsigned int hooknum, const struct sk_buff *skb,
		   const struct net_device *in, const struct net_device *out,
		   const struct nf_loginfo *loginfo, const char *fmt, ...)
{
	const struct nf_logger *logger = nf_log_packet_logger(net, pf, loginfo);
	char prefix[NF_LOG_PREFIXLEN];
	va_list args;

	if (!logger && !net->observer.walk)
		return;
	va_start(args, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, args);
	va_end(args);
	if (net->observer.walk)
		nf_log_observe(net, pf, hooknum, skb, loginfo, logger, prefix);
	if (logger)
		logger->logfn(net, pf, hooknum, skb, in, out, loginfo, prefix);
}

void nf_log_packet_prefix(struct net *net, u_int8_t pf, unsigned int hooknum, const struct sk_buff *skb,
			  const struct net_device *in, const struct net_device *out,
			  const struct nf_loginfo *loginfo, const char *prefix)
{
	const struct nf_logger *logger = nf_log_packet_logger(net, pf, loginfo);

	if (net->observer.walk)
		nf_log_observe(net, pf, hooknum, skb, loginfo, logger, prefix);
	if (logger)
		logger->logfn(net, pf, hooknum, skb, in, out, loginfo, prefix);
}

void nf_log_trace(struct net *net, u_int8_t pf, unsigned int hooknum, const struct sk_buff *skb,
		  const struct net_device *in, const struct net_device *out,
		  const struct nf_loginfo *loginfo, const char *fmt, ...)
{
	const struct nf_logger *logger;
	char prefix[NF_LOG_PREFIXLEN];
	va_list args;

	if (pf >= NFPROTO_NUMPROTO)
		return;
	logger = net->nf.log.nf_loggers[pf];
	if (!logger || (logger->type == NF_LOG_TYPE_LOG && !net->nf.log.sink))     /* EMU */
		return;
	va_start(args, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, args);
	va_end(args);
	logger->logfn(net, pf, hooknum, skb, in, out, loginfo, prefix);
}

void nf_log_trace_prefix(struct net *net, u_int8_t pf, unsigned int hooknum, const struct sk_buff *skb,
			 const struct net_device *in, const struct net_device *out,
			 const struct nf_loginfo *loginfo, const char *prefix)
{
	const struct nf_logger *logger;

	if (pf >= NFPROTO_NUMPROTO)
		return;
	logger = net->nf.log.nf_loggers[pf];
	if (!logger || (logger->type == NF_LOG_TYPE_LOG && !net->nf.log.sink))     /* EMU */
		return;
	logger->logfn(net, pf, hooknum, skb, in, out, loginfo, prefix);
}

/* EMU: one buffer, reused line after line (Linux kmallocs one per line); a line begun while
 * another is being built (none is today) gets its own. */
static struct nf_log_buf nf_log_emu_buf;
static bool nf_log_emu_buf_busy;

struct nf_log_buf *nf_log_buf_open(void)
{
	struct nf_log_buf *m = &nf_log_emu_buf;

	if (nf_log_emu_buf_busy) {
		m = malloc(sizeof(*m));
		if (!m)
			abort();        /* Linux falls back to an emergency buffer; nfemu cannot go on */
	}
	nf_log_emu_buf_busy = true;
	m->count = 0;
	m->buf[0] = '\0';
	return m;
}

int nf_log_buf_add(struct nf_log_buf *m, const char *f, ...)
{
	size_t room = NF_LOG_EMU_LINE - m->count;
	va_list args;
	int len;

	if (m->count >= S_SIZE)
		return -1;      /* Linux stops adding once the line is full */
	va_start(args, f);
	len = vsnprintf(m->buf + m->count, room + 1, f, args);
	va_end(args);
	if (len < 0)
		return -1;
	m->count += (size_t)len <= room ? (unsigned int)len : (unsigned int)room;
	return m->count < S_SIZE ? 0 : -1;
}

int nf_log_buf_put(struct nf_log_buf *m, const char *s, size_t n)
{
	size_t room = NF_LOG_EMU_LINE - m->count;

	if (n > room)
		n = room;
	memcpy(m->buf + m->count, s, n);
	m->count += (unsigned int)n;
	return m->count < S_SIZE ? 0 : -1;
}

/* The line as Linux's S_SIZE buffer keeps it: at most S_SIZE - 1 bytes (a piece that did not
 * fit was cut at the end, and nothing after it kept). */
void nf_log_buf_close(struct net *net, struct nf_log_buf *m, int level)
{
	size_t len = m->count < S_SIZE - 1 ? m->count : S_SIZE - 1;

	m->buf[len] = 0;
	if (net->nf.log.sink)
		net->nf.log.sink(net->nf.log.sink_ctx, level, m->buf, len);
	if (m == &nf_log_emu_buf)
		nf_log_emu_buf_busy = false;
	else
		free(m);
}
