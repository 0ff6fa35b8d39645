#ifndef DOCKET_CNCURSES_SHIM_H
#define DOCKET_CNCURSES_SHIM_H
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <ncursesw/curses.h>

/* ncurses keeps the screen and its size in globals; Swift 6 sees those as
   shared mutable state, so the backend reads them only through these. */
static inline WINDOW *docket_stdscr(void) { return stdscr; }
static inline int docket_lines(void) { return LINES; }
static inline int docket_cols(void) { return COLS; }
static inline int docket_key_resize(void) { return KEY_RESIZE; }
static inline int docket_colors(void) { return COLORS; }
/* Start ncurses on the process's own stdin/stdout (C globals, likewise). */
static inline SCREEN *docket_newterm(void) { return newterm(NULL, stdout, stdin); }
#endif
