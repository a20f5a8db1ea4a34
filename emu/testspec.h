/* emu/testspec.h - EMU: the spec files `nfemu test` runs (docs/testing-rules.md).
 *
 * No kernel counterpart.  A spec names a topology and a ruleset (or a state) and holds tests;
 * a test is a sequence of one-line packets (emu/pktline.h), each followed by what is expected
 * of it.  Parsing keeps every line of the text, so `nfemu test --record` can write the spec
 * back with its expectations replaced.  Errors are "FILE:LINE:COL: message", the line and a
 * caret, as packet-line and topology errors are.
 */
#ifndef NFEMU_EMU_TESTSPEC_H
#define NFEMU_EMU_TESTSPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "emu/pktline.h"

enum spec_exp_kind {
	SPEC_EXP_ACCEPT,                /* accept: not dropped */
	SPEC_EXP_DROP,                  /* drop [by WHERE] */
	SPEC_EXP_DELIVER,               /* deliver: delivered locally */
	SPEC_EXP_FORWARD,               /* forward out IFACE [as HEADER] */
	SPEC_EXP_OUT,                   /* out IFACE [as HEADER]: left by IFACE (sent or forwarded) */
	SPEC_EXP_REPLY,                 /* reply PACKET: the host generated it in answer */
	SPEC_EXP_CT,                    /* ct NEW|ESTABLISHED|RELATED|INVALID|UNTRACKED */
	SPEC_EXP_LOG,                   /* log "PREFIX" */
	SPEC_EXP_MARK,                  /* mark 0xN */
	SPEC_EXP_DNAT,                  /* dnat to A[:P] [| B[:Q] ...] */
	SPEC_EXP_SNAT,                  /* snat to ... */
};

/* ct states, in the order xt_conntrack's --ctstate names them */
enum spec_ct {
	SPEC_CT_INVALID,
	SPEC_CT_ESTABLISHED,
	SPEC_CT_RELATED,
	SPEC_CT_NEW,
	SPEC_CT_UNTRACKED,
};

extern const char *const spec_ct_names[5];

struct spec_nat_to {
	uint32_t addr;                  /* network order */
	uint16_t port;                  /* host order */
	bool has_port;
};

struct spec_exp {
	enum spec_exp_kind kind;
	int line;                       /* 1-based */
	char *text;                     /* the expectation as written, from its kind on */
	char *arg;                      /* DROP: the rule or function (NULL: any drop);
					 * FORWARD/OUT: the interface; LOG: the prefix */
	bool has_hdr;                   /* FORWARD/OUT with `as`, REPLY */
	struct nfemu_pktline hdr;
	enum spec_ct ct;
	uint32_t mark;
	struct spec_nat_to *to;         /* DNAT/SNAT: every outcome */
	size_t nto;
};

struct spec_packet {
	int line;
	char *text;                     /* the packet line after `packet ` */
	struct nfemu_pktline pl;
	struct spec_exp *exp;
	size_t nexp;
	char indent[32];                /* the packet line's leading white space (for --record) */
};

struct spec_test {
	char *name;
	int line;
	struct spec_packet *pkts;
	size_t npkts;
};

enum spec_line_kind {
	SPEC_LINE_OTHER,                /* blank, comment, directive, test */
	SPEC_LINE_PACKET,
	SPEC_LINE_EXPECT,
};

struct spec {
	char *file;                     /* as given */
	char *dir;                      /* its directory: paths in it are relative to this */
	char *topology, *rules, *state; /* resolved against dir */
	int topology_line, set_line;    /* the lines that named them */
	uint64_t seed;
	bool open_ports;
	struct spec_test *tests;
	size_t ntests;
	char **lines;                   /* the text, line by line, without newlines */
	enum spec_line_kind *line_kind;
	size_t nlines;
	bool last_newline;              /* the text ended with a newline */
};

/* Parse a spec's text (text need not be NUL-terminated; len bytes).  0 and *sp filled, or
 * -EINVAL with the error (FILE:LINE:COL, the line, a caret) in err, or -ENOMEM. */
int spec_parse(const char *file, const char *text, size_t len, struct spec **sp, char *err, size_t errlen);
/* Read and parse a file; -errno with one line in err. */
int spec_load(const char *file, struct spec **sp, char *err, size_t errlen);
void spec_free(struct spec *s);

/* Parse one expectation (the words after `expect`); col_base as for packet lines.  For
 * --record, which checks what it writes.  0 or -EINVAL with err filled. */
int spec_parse_expect(const char *text, struct spec_exp *e, struct nfemu_pktline_err *err);
void spec_exp_free(struct spec_exp *e);

#endif
