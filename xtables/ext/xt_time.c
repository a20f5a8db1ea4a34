/* xtables/ext/xt_time.c - the "time" match: date range, time of day, weekdays, monthdays.
 *
 * Mirrors net/netfilter/xt_time.c: time_mt_check (EDOM past 23:59:59, unknown flags), the
 * boot-time timezone message, and time_mt on the capture's wall clock with the kernel's
 * calendar (its year table ends in 2039).  EMU: the kernel timezone is UTC (sys_tz_minuteswest).
 */
#include <linux/netfilter/xt_time.h>

#include "kernel/clock.h"
#include "kernel/module.h"
#include "xtables/x_tables.h"

enum {
	DSE_FIRST = 2039,               /* the last year the kernel's days_since_epoch[] knows */
	SECONDS_PER_DAY = 86400,
};

/* The broken-down time of a packet (struct xtm). */
struct xtm {
	u_int8_t month;                 /* (1-12) */
	u_int8_t monthday;              /* (1-31) */
	u_int8_t weekday;               /* (1-7) */
	u_int8_t hour;                  /* (0-23) */
	u_int8_t minute;                /* (0-59) */
	u_int8_t second;                /* (0-59) */
	unsigned int dse;               /* days since the epoch */
};

/* Days before the first of each month, in a common and in a leap year. */
static const u_int16_t days_since_year[] = {
	0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334,
};
static const u_int16_t days_since_leapyear[] = {
	0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335,
};

static bool is_leap(unsigned int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* Days from 1970-01-01 to January 1st of year (the kernel keeps these in a table). */
static unsigned int leaps_through(unsigned int y)
{
	return y / 4 - y / 100 + y / 400;
}

static unsigned int days_since_epoch(unsigned int year)
{
	return 365 * (year - 1970) + leaps_through(year - 1) - leaps_through(1969);
}

/* EMU: sys_tz.tz_minuteswest.  Linux gets it from user space at boot (settimeofday, e.g.
 * hwclock --systz when the RTC keeps local time); nfemu's kernel has none, so it is 0 (UTC). */
static int sys_tz_minuteswest(const struct net *net)
{
	(void)net;
	return 0;
}

/* Seconds into the day (and hour, minute, second). */
static unsigned int localtime_1(struct xtm *r, s64 time)
{
	unsigned int v, w;

	v = (unsigned int)((u64)time % SECONDS_PER_DAY);
	r->second = v % 60;
	w = v / 60;
	r->minute = w % 60;
	r->hour = w / 60;
	return v;
}

/* Days since the epoch and the weekday: 1970-01-01 (day 0) was a Thursday (4); Sunday is 7. */
static void localtime_2(struct xtm *r, s64 time)
{
	r->dse = (unsigned int)((u64)time / SECONDS_PER_DAY);
	r->weekday = (4 + r->dse - 1) % 7 + 1;
}

/* Month and day of the month. */
static void localtime_3(struct xtm *r)
{
	unsigned int year, i, w = r->dse;

	/* The latest year (from 2039 down) that began on or before day w: after 2039 the kernel
	 * stays in 2039 and counts days past its end. */
	for (year = DSE_FIRST; year > 1970 && days_since_epoch(year) > w; --year)
		;
	w -= days_since_epoch(year);

	if (is_leap(year)) {
		for (i = ARRAY_SIZE(days_since_leapyear) - 1; i > 0 && days_since_leapyear[i] > w; --i)
			;
		r->monthday = (u8)(w - days_since_leapyear[i] + 1);
	} else {
		for (i = ARRAY_SIZE(days_since_year) - 1; i > 0 && days_since_year[i] > w; --i)
			;
		r->monthday = (u8)(w - days_since_year[i] + 1);
	}
	r->month = (u8)(i + 1);
}

static bool time_mt(const struct sk_buff *skb, struct xt_action_param *par)
{
	const struct xt_time_info *info = par->matchinfo;
	struct net *net = xt_net(par);
	unsigned int packet_time;
	struct xtm current_time;
	s64 stamp;

	(void)skb;
	/* The kernel reads the wall clock at processing time (ktime_get_real_seconds), not the
	 * packet's receive timestamp. */
	stamp = (s64)(ktime_get_real_ns(net) / NSEC_PER_SEC);

	if (info->flags & XT_TIME_LOCAL_TZ)
		/* Adjust for local timezone */
		stamp -= 60 * sys_tz_minuteswest(net);

	/* date_start/stop are unsigned 32-bit: they reach beyond 2038 but not past 2106. */
	if (stamp < info->date_start || stamp > info->date_stop)
		return false;

	packet_time = localtime_1(&current_time, stamp);

	if (info->daytime_start < info->daytime_stop) {
		if (packet_time < info->daytime_start || packet_time > info->daytime_stop)
			return false;
	} else {
		if (packet_time < info->daytime_start && packet_time > info->daytime_stop)
			return false;

		/* With --contiguous, 23:00-01:00 on Monday runs from Monday 23:00 to Tuesday 01:00:
		 * the early part of a day counts as the day before. */
		if ((info->flags & XT_TIME_CONTIGUOUS) && packet_time <= info->daytime_stop)
			stamp -= SECONDS_PER_DAY;
	}

	localtime_2(&current_time, stamp);

	if (!(info->weekdays_match & (1U << current_time.weekday)))
		return false;

	/* Do not spend time computing monthday if all days match anyway */
	if (info->monthdays_match != XT_TIME_ALL_MONTHDAYS) {
		localtime_3(&current_time);
		/* EMU: past 2039 the day can exceed 31; x86 shifts by the count modulo 32. */
		if (!(info->monthdays_match & (1U << (current_time.monthday & 31))))
			return false;
	}

	return true;
}

static int time_mt_check(const struct xt_mtchk_param *par)
{
	const struct xt_time_info *info = par->matchinfo;

	if (info->daytime_start > XT_TIME_MAX_DAYTIME ||
	    info->daytime_stop > XT_TIME_MAX_DAYTIME) {
		pr_info_ratelimited(par->net, "xt_time: invalid argument - start or stop time greater than 23:59:59");
		return -EDOM;
	}

	if (info->flags & ~XT_TIME_ALL_FLAGS) {
		pr_info_ratelimited(par->net, "xt_time: unknown flags 0x%x",
				    info->flags & ~XT_TIME_ALL_FLAGS);
		return -EINVAL;
	}

	return 0;
}

static const struct xt_match xt_time_mt_reg[] = {
	{
		.name		= "time",
		.revision	= 0,
		.family		= NFPROTO_UNSPEC,
		.match		= time_mt,
		.checkentry	= time_mt_check,
		.matchsize	= sizeof(struct xt_time_info),
	},
};

static int time_mt_init(struct net *net, struct module *mod)
{
	int minutes = sys_tz_minuteswest(net);

	if (minutes < 0)
		pr_info(net, "xt_time: kernel timezone is +%02d%02d", -minutes / 60, -minutes % 60);
	else
		pr_info(net, "xt_time: kernel timezone is -%02d%02d", minutes / 60, minutes % 60);

	return xt_register_matches(net, mod, xt_time_mt_reg, ARRAY_SIZE(xt_time_mt_reg));
}

static void time_mt_exit(struct net *net, struct module *mod)
{
	(void)mod;
	xt_unregister_matches(net, xt_time_mt_reg, ARRAY_SIZE(xt_time_mt_reg));
}

const struct module_info module_info_xt_time = {
	.name = "xt_time",
	.size = 16384,
	.depends = MODULE_DEPS("x_tables"),
	.aliases = MODULE_ALIASES("ipt_time", "ip6t_time"),
	.init = time_mt_init,
	.exit = time_mt_exit,
};
