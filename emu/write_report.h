/* emu/write_report.h - EMU: `nfemu replay --report FILE.html`: one self-contained page.
 * No kernel counterpart.  Fed by the fate model (fate.c) like the other writers: each fate
 * becomes one row of a JSON block embedded in emu/report/template.html (the summary, the
 * packets, and per packet its hook functions, ipt_do_table's walk, the TRACE/LOG lines,
 * conntrack's and NAT's decisions).  Every string is escaped for a <script> block.
 */
#ifndef NFEMU_EMU_WRITE_REPORT_H
#define NFEMU_EMU_WRITE_REPORT_H

#include <stdio.h>
#include "emu/output_int.h"

struct report;

/* Start the page on f (the template's head).  0 or -ENOMEM. */
int report_open(struct nfemu_output *o, FILE *f);
void report_log_line(struct nfemu_output *o, const char *line, size_t len);
/* NFEMU_EV_HOOK / NFEMU_EV_WALK of fate f */
void report_walk(struct nfemu_output *o, const struct nfemu_event *ev, const struct fate *f);
void report_ct(struct nfemu_output *o, const struct nfemu_event *ev, const struct fate *f);
void report_nat(struct nfemu_output *o, const struct nfemu_event *ev, const struct fate *f);
void report_fate(struct nfemu_output *o, const struct fate *f);
void report_skip(struct nfemu_output *o, u64 n, u64 ts_ns, const char *ingress, const char *desc,
		 size_t desclen, const char *detail);
/* Finish the page (strings, summary, the template's tail) and free.  0 or -EIO. */
int report_close(struct nfemu_output *o);

#endif
