/* xtables/ext/xt_bpf.c - the "bpf" match (revisions 0 and 1): classic BPF or a pinned program.
 *
 * Mirrors net/netfilter/xt_bpf.c, with the classic-BPF verifier of net/core/filter.c
 * (bpf_check_classic: known opcodes, in-range jumps and scratch memory, no division by a
 * constant 0, a final RET) that bpf_prog_create runs.  The program lives in the rule's
 * kernel-only `filter` pointer until destroy.  Leaves out running it (.match is NULL) and
 * eBPF: a pinned or fd-passed program is looked up on the host but not loaded (see EMU:s).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <fcntl.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/netfilter/xt_bpf.h>
#include "kernel/module.h"
#include "xtables/x_tables.h"

#define pr_fmt(fmt) "xt_bpf: " fmt

#define BPF_FS_MAGIC	0xcafe4a11

/* What bpf_prog_create / bpf_prog_get_type leave in the rule.  EMU: a copy of the classic
 * program (for the packet path to come), or nothing of an eBPF one but where it was. */
struct bpf_prog {
	unsigned int len;
	struct sock_filter insns[];
};

/* net/core/filter.c chk_code_allowed(): the classic opcodes Linux accepts. */
static bool chk_code_allowed(u16 code)
{
	switch (code) {
	case BPF_ALU | BPF_ADD | BPF_K: case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K: case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K: case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_K: case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_MOD | BPF_K: case BPF_ALU | BPF_MOD | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K: case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K: case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K: case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_K: case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_K: case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_LD | BPF_W | BPF_ABS: case BPF_LD | BPF_H | BPF_ABS: case BPF_LD | BPF_B | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LD | BPF_W | BPF_IND: case BPF_LD | BPF_H | BPF_IND: case BPF_LD | BPF_B | BPF_IND:
	case BPF_LD | BPF_IMM: case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_W | BPF_LEN: case BPF_LDX | BPF_B | BPF_MSH:
	case BPF_LDX | BPF_IMM: case BPF_LDX | BPF_MEM:
	case BPF_ST: case BPF_STX:
	case BPF_MISC | BPF_TAX: case BPF_MISC | BPF_TXA:
	case BPF_RET | BPF_K: case BPF_RET | BPF_A:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K: case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K: case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K: case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K: case BPF_JMP | BPF_JSET | BPF_X:
		return true;
	}
	return false;
}

static bool bpf_is_cond_jump(u16 code)
{
	switch (code) {
	case BPF_JMP | BPF_JEQ | BPF_K: case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K: case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K: case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K: case BPF_JMP | BPF_JSET | BPF_X:
		return true;
	}
	return false;
}

/* Loads from scratch memory must follow a store on every path (check_load_and_stores). */
static int check_load_and_stores(const struct sock_filter *filter, unsigned int flen)
{
	u16 *masks, memvalid = 0;       /* one bit per cell, 16 cells */
	unsigned int pc;
	int ret = 0;

	masks = malloc(flen * sizeof(*masks));
	if (!masks)
		return -ENOMEM;
	memset(masks, 0xff, flen * sizeof(*masks));

	for (pc = 0; pc < flen; pc++) {
		memvalid &= masks[pc];

		switch (filter[pc].code) {
		case BPF_ST:
		case BPF_STX:
			memvalid |= (1 << filter[pc].k);
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
			if (!(memvalid & (1 << filter[pc].k))) {
				ret = -EINVAL;
				goto out;
			}
			break;
		case BPF_JMP | BPF_JA:
			/* A jump must set masks on its target */
			masks[pc + 1 + filter[pc].k] &= memvalid;
			memvalid = ~0;
			break;
		default:
			if (bpf_is_cond_jump(filter[pc].code)) {
				masks[pc + 1 + filter[pc].jt] &= memvalid;
				masks[pc + 1 + filter[pc].jf] &= memvalid;
				memvalid = ~0;
			}
			break;
		}
	}
out:
	free(masks);
	return ret;
}

/* Is k one of the SKF_AD_* ancillary loads Linux knows (bpf_anc_helper)? */
static bool bpf_anc_known(u32 k)
{
	u32 off = k - (u32)SKF_AD_OFF;

	return k >= (u32)SKF_AD_OFF && off < SKF_AD_MAX && off % 4 == 0;
}

static int bpf_check_classic(const struct sock_filter *filter, unsigned int flen)
{
	unsigned int pc;

	for (pc = 0; pc < flen; pc++) {
		const struct sock_filter *ftest = &filter[pc];

		if (!chk_code_allowed(ftest->code))
			return -EINVAL;

		switch (ftest->code) {
		case BPF_ALU | BPF_DIV | BPF_K:
		case BPF_ALU | BPF_MOD | BPF_K:
			if (ftest->k == 0)      /* division by zero */
				return -EINVAL;
			break;
		case BPF_ALU | BPF_LSH | BPF_K:
		case BPF_ALU | BPF_RSH | BPF_K:
			if (ftest->k >= 32)
				return -EINVAL;
			break;
		case BPF_LD | BPF_MEM:
		case BPF_LDX | BPF_MEM:
		case BPF_ST:
		case BPF_STX:
			if (ftest->k >= BPF_MEMWORDS)
				return -EINVAL;
			break;
		case BPF_JMP | BPF_JA:
			if (ftest->k >= (unsigned int)(flen - pc - 1))
				return -EINVAL;
			break;
		case BPF_LD | BPF_W | BPF_ABS:
		case BPF_LD | BPF_H | BPF_ABS:
		case BPF_LD | BPF_B | BPF_ABS:
			/* Ancillary operation unknown or unsupported */
			if (ftest->k >= (u32)SKF_AD_OFF && !bpf_anc_known(ftest->k))
				return -EINVAL;
			break;
		default:
			/* Both conditionals must be safe */
			if (bpf_is_cond_jump(ftest->code) &&
			    (pc + ftest->jt + 1 >= flen || pc + ftest->jf + 1 >= flen))
				return -EINVAL;
			break;
		}
	}

	/* Last instruction must be a RET code */
	switch (filter[flen - 1].code) {
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
		return check_load_and_stores(filter, flen);
	}
	return -EINVAL;
}

/* bpf_prog_create() for an unattached classic filter. */
static int bpf_prog_create(struct bpf_prog **pfp, const struct sock_filter *insns,
			   unsigned int len)
{
	struct bpf_prog *fp;
	int err;

	if (len == 0 || len > BPF_MAXINSNS)
		return -EINVAL;
	err = bpf_check_classic(insns, len);
	if (err)
		return err;
	fp = malloc(sizeof(*fp) + len * sizeof(*insns));
	if (!fp)
		return -ENOMEM;
	fp->len = len;
	memcpy(fp->insns, insns, len * sizeof(*insns));
	*pfp = fp;
	return 0;
}

static void bpf_prog_destroy(struct bpf_prog *fp)
{
	free(fp);
}

static int __bpf_mt_check_bytecode(struct net *net, const struct sock_filter *insns, u16 len,
				   struct bpf_prog **ret)
{
	if (len > XT_BPF_MAX_NUM_INSTR) {
		/* EMU: the kernel refuses silently; say why at debug level. */
		pr_debug(net, pr_fmt("%u instructions, at most %u\n"), len, XT_BPF_MAX_NUM_INSTR);
		return -EINVAL;
	}
	if (bpf_prog_create(ret, insns, len)) {
		pr_info_ratelimited(net, pr_fmt("check failed: parse error\n"));
		return -EINVAL;
	}
	return 0;
}

/* An empty program: what an eBPF program taken by fd or path leaves in the rule. */
static int bpf_prog_placeholder(struct bpf_prog **ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}

/* XT_BPF_MODE_FD_ELF: a program fd of the process calling setsockopt.
 * EMU: nfemu runs in that process, but it cannot take a reference to the host's program
 * and the state file outlives the descriptor (a reloaded rule names an fd of a process that
 * is gone), so only a negative fd is refused (fdget's EBADF); the program is not loaded. */
static int __bpf_mt_check_fd(int fd, struct bpf_prog **ret)
{
	if (fd < 0)
		return -EBADF;
	return bpf_prog_placeholder(ret);
}

/* XT_BPF_MODE_PATH_PINNED: a program pinned in a bpf filesystem.
 * EMU: the path is looked up on the host (kern_path's errors); a file outside bpffs is
 * refused with EACCES as Linux refuses a non-bpf inode; a bpffs object is not checked to be
 * a socket-filter program. */
static int __bpf_mt_check_path(const char *path, struct bpf_prog **ret)
{
	struct statfs sfs;
	struct stat st;

	if (strnlen(path, XT_BPF_PATH_MAX) == XT_BPF_PATH_MAX)
		return -EINVAL;
	if (stat(path, &st) < 0)
		return -errno;
	if (statfs(path, &sfs) < 0)
		return -errno;
	if ((unsigned long)sfs.f_type != BPF_FS_MAGIC || !S_ISREG(st.st_mode))
		return -EACCES;
	return bpf_prog_placeholder(ret);
}

static int bpf_mt_check(const struct xt_mtchk_param *par)
{
	struct xt_bpf_info *info = par->matchinfo;

	return __bpf_mt_check_bytecode(par->net, info->bpf_program,
				       info->bpf_program_num_elem, &info->filter);
}

static int bpf_mt_check_v1(const struct xt_mtchk_param *par)
{
	struct xt_bpf_info_v1 *info = par->matchinfo;

	if (info->mode == XT_BPF_MODE_BYTECODE)
		return __bpf_mt_check_bytecode(par->net, info->bpf_program,
					       info->bpf_program_num_elem, &info->filter);
	else if (info->mode == XT_BPF_MODE_FD_ELF)
		return __bpf_mt_check_fd(info->fd, &info->filter);
	else if (info->mode == XT_BPF_MODE_PATH_PINNED)
		return __bpf_mt_check_path(info->path, &info->filter);
	/* EMU: the kernel refuses silently; say why at debug level. */
	pr_debug(par->net, pr_fmt("unknown mode %u\n"), info->mode);
	return -EINVAL;
}

static void bpf_mt_destroy(const struct xt_mtdtor_param *par)
{
	const struct xt_bpf_info *info = par->matchinfo;

	bpf_prog_destroy(info->filter);
}

static void bpf_mt_destroy_v1(const struct xt_mtdtor_param *par)
{
	const struct xt_bpf_info_v1 *info = par->matchinfo;

	bpf_prog_destroy(info->filter);
}

static const struct xt_match bpf_mt_reg[] = {
	{
		.name		= "bpf",
		.match		= xt_unemulated_match,
		.revision	= 0,
		.family		= NFPROTO_UNSPEC,
		.checkentry	= bpf_mt_check,
		.destroy	= bpf_mt_destroy,
		.matchsize	= sizeof(struct xt_bpf_info),
		.usersize	= offsetof(struct xt_bpf_info, filter),
	},
	{
		.name		= "bpf",
		.match		= xt_unemulated_match,
		.revision	= 1,
		.family		= NFPROTO_UNSPEC,
		.checkentry	= bpf_mt_check_v1,
		.destroy	= bpf_mt_destroy_v1,
		.matchsize	= sizeof(struct xt_bpf_info_v1),
		.usersize	= offsetof(struct xt_bpf_info_v1, filter),
	},
};

static int bpf_mt_init(struct net *net, struct module *mod)
{
	return xt_register_matches(net, mod, bpf_mt_reg, ARRAY_SIZE(bpf_mt_reg));
}

static void bpf_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, bpf_mt_reg, ARRAY_SIZE(bpf_mt_reg));
}

const struct module_info module_info_xt_bpf = {
	.name = "xt_bpf",
	.size = 20480,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_bpf", "ip6t_bpf"),
	.init = bpf_mt_init,
	.exit = bpf_mt_exit,
};
