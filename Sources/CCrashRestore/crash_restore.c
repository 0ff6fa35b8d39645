#define _XOPEN_SOURCE_EXTENDED 1
#define _DEFAULT_SOURCE 1
#include "crash_restore.h"
#include <ncursesw/curses.h>
#include <signal.h>
#include <string.h>

static struct sigaction previous[32];

static void crash_handler(int sig) {
    endwin();
    sigaction(sig, &previous[sig], NULL);
    raise(sig);
}

void docket_restore_terminal_on_crash(void) {
    const int signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE };
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction action;
        memset(&action, 0, sizeof action);
        action.sa_handler = crash_handler;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_NODEFER;
        sigaction(signals[i], &action, &previous[signals[i]]);
    }
}
