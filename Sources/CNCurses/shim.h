#ifndef DOCKET_CNCURSES_SHIM_H
#define DOCKET_CNCURSES_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>
#include <signal.h>
#include <pthread.h>

/* ncurses keeps the screen, its size and its attribute bits in globals and
   macros; Swift 6 sees globals as shared mutable state and cannot call
   macros, so the backend reaches them only through these. */
static inline WINDOW *docket_stdscr(void) { return stdscr; }
static inline int docket_lines(void) { return LINES; }
static inline int docket_cols(void) { return COLS; }
static inline int docket_key_resize(void) { return KEY_RESIZE; }
static inline int docket_colors(void) { return COLORS; }
/* Start ncurses on the process's own stdin/stdout (C globals, likewise). */
static inline SCREEN *docket_newterm(void) { return newterm(NULL, stdout, stdin); }
static inline int docket_attrset(int attrs) { return attrset(attrs); }
static inline int docket_color_pair(int n) { return COLOR_PAIR(n); }
/* Colour numbers past 255 (true colour terminals) need the extended call. */
static inline int docket_init_pair(int pair, int fg, int bg) { return init_extended_pair(pair, fg, bg); }
static inline int docket_a_bold(void) { return A_BOLD; }
static inline int docket_a_reverse(void) { return A_REVERSE; }
static inline int docket_a_dim(void) { return A_DIM; }
static inline int docket_a_underline(void) { return A_UNDERLINE; }
static inline int docket_mvaddstr(int y, int x, const char *s) { return mvaddstr(y, x, s); }
static inline int docket_get_wch(wint_t *ch) { return get_wch(ch); }
static inline int docket_timeout(int ms) { timeout(ms); return 0; }
static inline int docket_keypad(void) { return keypad(stdscr, TRUE); }
static inline int docket_clearok(void) { return clearok(stdscr, TRUE); }
static inline int docket_refresh(void) { return refresh(); }
static inline int docket_erase(void) { return erase(); }
/* A parent (a test runner, a dispatch thread) may pass down a mask that
   blocks SIGWINCH; then ncurses never hears of a resize. */
static inline int docket_unblock_terminal_signals(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGWINCH);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGINT);
    return pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}
#endif
