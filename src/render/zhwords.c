/*
 * render/zhwords.c — where a run of Chinese characters may break: words from
 * a small built-in list, found by the fewest-words segmentation.
 *
 * UAX #14 (and libunibreak, which implements it) allows a break between any
 * two ideographs, so a 64-px board cut 没有网络安全 as 没有网络 / 安全.  A full
 * dictionary (ICU's, jieba's) is tens of megabytes and not packaged for C on
 * Debian 12; signboard texts are short and come from a small vocabulary, so
 * a list of the words the campaign's texts use, the weekdays and common
 * school-notice words is enough.  A break inside a listed word is still
 * possible, but only where no other break point would do (text.c).  Add
 * words here, keeping the list sorted by bytes (the unit test checks).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "render/render_int.h"

static const char *const zh_words[] = {
	"一楼", "三楼", "上午", "上网", "下午", "不传谣", "不信谣", "不外借", "不是", "不要", "不要点", "不转账", "不轻信",
	"不输", "不透露", "与", "世界", "个人", "个人信息", "个人信息保护法", "个人隐私", "中午", "中华", "中华人民共和国", "中国",
	"主题", "主题班会", "举报", "之地", "二楼", "二维码", "人人", "人人有责", "人民", "人民共和国", "今天", "从你我做起", "仪式",
	"会议", "你我", "保护", "保障", "信息", "信息安全", "做起", "停课", "健康", "公共", "共享", "共建", "关键", "关键信息",
	"关键信息基础设施", "分钟", "创新", "加强", "升旗", "升旗仪式", "午间", "参与", "发展", "台风", "同学", "同学们", "周一",
	"周三", "周二", "周五", "周六", "周四", "周日", "国之重器", "国家", "国家安全", "国旗", "国旗下", "图书馆", "地点",
	"地震", "基础", "基础设施", "增强", "处理", "外借", "大厅", "学习", "学校", "学生", "守护", "安全", "安全保护",
	"安全教育", "官方", "官方码", "宣传", "宣传周", "室内", "家长", "宿舍", "密码", "密码法", "小时", "展评", "年级", "应急",
	"建设", "开始", "意识", "手抄报", "手机", "扫码", "报告", "报告厅", "提高", "撤离", "操场", "攻击", "教学楼", "教室",
	"教育", "数据", "数据处理", "数据安全", "数据安全法", "文明", "文明上网", "日期", "早上", "时间", "明天", "星期", "星期一",
	"星期三", "星期二", "星期五", "星期六", "星期四", "星期天", "星期日", "昨天", "晚上", "暴雨", "暴雨预警", "有你", "有责",
	"木马", "未来", "条例", "校园", "校园卡", "校园日", "校门", "欢迎", "比赛", "没有", "法外", "法外之地", "法律", "法规",
	"注意", "活动", "清朗", "漏洞", "火灾", "点餐", "犯罪", "现在", "班会", "班级", "用好", "电信", "电信网络", "电脑",
	"留在", "疏散", "病毒", "知识", "知识答题", "社会", "禁止", "科技", "空间", "第一", "第七", "第三", "第三节", "第二",
	"第五", "第八", "第六", "第四", "答题", "紧急", "结束", "绿色", "网上", "网友", "网民", "网站", "网络", "网络信息",
	"网络安全", "网络安全法", "网络文明", "网络空间", "网络诈骗", "老师", "考试", "节课", "规范", "认准", "讲座", "讲话", "设施",
	"诈骗", "诚信", "请", "请勿", "谣言", "谨防", "责任", "账号", "账户", "转账", "软件", "轻信", "还有", "违法", "透露",
	"通知", "遵守", "避险", "重器", "钓鱼", "链接", "闭幕", "防护", "防火墙", "防范", "陌生", "隐私", "青春", "预警",
	"食堂", "黑客",
};

#define NWORDS (sizeof zh_words / sizeof zh_words[0])

static int
cmp_word(const void *k, const void *e)
{
	return strcmp(k, *(const char *const *)e);
}

static size_t
put_utf8(char *o, uint32_t c)
{
	if (c < 0x80) { o[0] = (char)c; return 1; }
	if (c < 0x800) { o[0] = (char)(0xc0 | c >> 6); o[1] = (char)(0x80 | (c & 0x3f)); return 2; }
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | c >> 12); o[1] = (char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | c >> 18); o[1] = (char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (char)(0x80 | (c >> 6 & 0x3f)); o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

int
render_zh_is_word(const uint32_t *cps, size_t n)
{
	char buf[4 * RENDER_ZH_MAXWORD + 1];
	size_t k = 0;

	if (n == 0 || n > RENDER_ZH_MAXWORD)
		return 0;
	for (size_t i = 0; i < n; i++)
		k += put_utf8(buf + k, cps[i]);
	buf[k] = '\0';
	return bsearch(buf, zh_words, NWORDS, sizeof zh_words[0], cmp_word) != NULL;
}

/* strncmp(w, key, k) < 0, == 0, > 0 as -1, 0, 1; inline, since the list's
 * words are a few bytes and the call would cost more than the compare. */
static inline int
prefix_cmp(const char *w, const char *key, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		unsigned char a = (unsigned char)w[i], b = (unsigned char)key[i];
		if (a != b)
			return a < b ? -1 : 1;
	}
	return 0;
}

/* The list's first characters, each with the range of words that start
 * with it: most characters start no word, and this says so in a few
 * integer compares.  Made once (pthread_once: render contexts may live in
 * several threads). */
static struct zh_first {
	uint32_t cp;
	uint16_t lo, hi;
} zh_firsts[NWORDS];
static size_t zh_nfirsts;
static pthread_once_t zh_firsts_once = PTHREAD_ONCE_INIT;

static uint32_t
first_cp(const char *w)
{
	const uint8_t *p = (const uint8_t *)w;

	if (p[0] < 0x80) return p[0];
	if (p[0] < 0xe0) return (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
	if (p[0] < 0xf0) return (uint32_t)(p[0] & 0x0f) << 12 | (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
	return (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3f) << 12 | (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
}

static void
zh_firsts_make(void)
{
	for (size_t i = 0; i < NWORDS; i++) {
		uint32_t cp = first_cp(zh_words[i]);
		if (zh_nfirsts > 0 && zh_firsts[zh_nfirsts - 1].cp == cp) {
			zh_firsts[zh_nfirsts - 1].hi = (uint16_t)(i + 1);
			continue;
		}
		zh_firsts[zh_nfirsts].cp = cp;
		zh_firsts[zh_nfirsts].lo = (uint16_t)i;
		zh_firsts[zh_nfirsts].hi = (uint16_t)(i + 1);
		zh_nfirsts++;
	}
}

/* Which prefixes of cps[0..n) are listed words: bit L - 1 set for a word
 * of L code points.  One walk down the sorted list instead of a search per
 * length: the words that start with the prefix so far are a range of the
 * list (UTF-8 sorts by code point), narrowed as the prefix grows. */
static unsigned
word_prefixes(const uint32_t *cps, size_t n)
{
	char key[4 * RENDER_ZH_MAXWORD + 1];
	size_t lo = 0, hi = zh_nfirsts, k;
	unsigned mask = 0;

	if (n == 0)
		return 0;
	while (lo < hi) {               /* the words that start with cps[0] */
		size_t mid = (lo + hi) / 2;
		if (zh_firsts[mid].cp < cps[0])
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == zh_nfirsts || zh_firsts[lo].cp != cps[0])
		return 0;
	hi = zh_firsts[lo].hi;
	lo = zh_firsts[lo].lo;
	k = put_utf8(key, cps[0]);
	if (strlen(zh_words[lo]) == k)
		mask = 1;
	for (size_t L = 2; L <= n && L <= RENDER_ZH_MAXWORD && lo < hi; L++) {
		size_t a = lo, b = hi, k0 = k, nk;

		k += put_utf8(key + k, cps[L - 1]);
		nk = k - k0;
		/* first word of [lo, hi) not below the key's k bytes, then the
		 * first above; all of them have its first k0 bytes already */
		while (a < b) {
			size_t mid = (a + b) / 2;
			if (prefix_cmp(zh_words[mid] + k0, key + k0, nk) < 0)
				a = mid + 1;
			else
				b = mid;
		}
		lo = a;
		if (lo == hi || prefix_cmp(zh_words[lo] + k0, key + k0, nk) != 0)
			break;               /* no word starts so */
		b = hi;
		while (a < b) {
			size_t mid = (a + b) / 2;
			if (prefix_cmp(zh_words[mid] + k0, key + k0, nk) <= 0)
				a = mid + 1;
			else
				b = mid;
		}
		hi = a;
		/* the word that is the prefix itself sorts first among them */
		if (lo < hi && strlen(zh_words[lo]) == k)
			mask |= 1u << (L - 1);
	}
	return mask;
}

int
render_zh_han(uint32_t c)
{
	return (c >= 0x3400 && c <= 0x4dbf) || (c >= 0x4e00 && c <= 0x9fff) ||
	    (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x3ffff);
}

size_t
render_zh_nwords(void)
{
	return NWORDS;
}

const char *
render_zh_word(size_t i)
{
	return i < NWORDS ? zh_words[i] : NULL;
}

/* Each maximal run of Han characters is cut into the fewest words (a
 * character not in the list is a word of its own; of equal counts, the
 * longer last word wins); inword[p] = 1 when p lies inside a word, 2 when
 * also inside a shorter listed word within it. */
#define ZH_RUN_STACK 64

int
render_zh_segment(const uint32_t *cps, size_t n, uint8_t *inword)
{
	size_t i = 0;

	memset(inword, 0, n + 1);
	pthread_once(&zh_firsts_once, zh_firsts_make);
	while (i < n) {
		size_t s = i, m;
		uint32_t *best, best_s[ZH_RUN_STACK + 1];
		uint8_t *len, len_s[ZH_RUN_STACK + 1];
		unsigned *words, words_s[ZH_RUN_STACK];

		if (!render_zh_han(cps[i])) {
			i++;
			continue;
		}
		while (i < n && render_zh_han(cps[i]))
			i++;
		m = i - s;
		if (m < 2)
			continue;
		if (m <= ZH_RUN_STACK) {
			/* a signboard's runs are short: no allocation for them */
			best = best_s;
			len = len_s;
			words = words_s;
		} else {
			best = malloc((m + 1) * sizeof *best);
			len = malloc(m + 1);
			words = malloc(m * sizeof *words);
			if (best == NULL || len == NULL || words == NULL) {
				free(best);
				free(len);
				free(words);
				return -1;
			}
		}
		/* words[q]: the listed words that start at s + q, by length */
		for (size_t q = 0; q < m; q++)
			words[q] = word_prefixes(cps + s + q, m - q);
		best[0] = 0;
		for (size_t j = 1; j <= m; j++) {
			best[j] = best[j - 1] + 1;
			len[j] = 1;
			for (size_t L = 2; L <= RENDER_ZH_MAXWORD && L <= j; L++)
				if (best[j - L] + 1 <= best[j] && (words[j - L] >> (L - 1) & 1)) {
					best[j] = best[j - L] + 1;
					len[j] = (uint8_t)L;
				}
		}
		for (size_t j = m; j > 0; j -= len[j]) {
			size_t w0 = s + j - len[j], L = len[j];
			for (size_t q = 1; q < L; q++)
				inword[w0 + q] = 1;
			/* inside a listed word within this one (网|络 in 网络安全法):
			 * worse than between its parts (网络安全|法) */
			for (size_t a = 0; a + 2 <= L; a++)
				for (size_t b = a + 2; b <= L; b++)
					if (b - a < L && (words[w0 - s + a] >> (b - a - 1) & 1))
						for (size_t q = a + 1; q < b; q++)
							inword[w0 + q] = 2;
		}
		if (best != best_s) {
			free(best);
			free(len);
			free(words);
		}
	}
	return 0;
}
