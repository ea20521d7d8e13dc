#ifndef BACKROOM_CNCURSES_SHIM_H
#define BACKROOM_CNCURSES_SHIM_H

// Wide-character curses: must be defined before curses.h is included.
#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <wchar.h>
#include <signal.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <ncursesw/curses.h>
#include <ncursesw/term.h>

// Swift cannot import function-like macros or some globals; these wrappers
// expose what the TerminalKit backend needs.

static inline int br_color_pair(int pair) { return COLOR_PAIR(pair); }
static inline int br_colors(void) { return COLORS; }
static inline int br_color_pairs(void) { return COLOR_PAIRS; }
static inline int br_lines(void) { return LINES; }
static inline int br_cols(void) { return COLS; }
static inline int br_wcwidth(wchar_t character) { return wcwidth(character); }

static inline attr_t br_attr_bold(void) { return A_BOLD; }
static inline attr_t br_attr_underline(void) { return A_UNDERLINE; }
static inline attr_t br_attr_reverse(void) { return A_REVERSE; }
static inline attr_t br_attr_dim(void) { return A_DIM; }
static inline attr_t br_attr_normal(void) { return A_NORMAL; }

static inline int br_keypad(bool enabled) { return keypad(stdscr, enabled); }
static inline int br_clearok(bool enabled) { return clearok(stdscr, enabled); }

static inline void br_get_size(int *rows, int *cols) {
    int y, x;
    getmaxyx(stdscr, y, x);
    *rows = y;
    *cols = x;
}

/// The terminal's size as the kernel knows it now; 0 when it cannot say.
static inline int br_terminal_size(int *rows, int *cols) {
    struct winsize size;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) != 0 || size.ws_row == 0 || size.ws_col == 0) return 0;
    *rows = size.ws_row;
    *cols = size.ws_col;
    return 1;
}

/// Writes one cell: a character (with combining marks) in a style.
static inline int br_put_cell(int row, int column, const wchar_t *text, attr_t attributes, short pair) {
    cchar_t cell;
    if (setcchar(&cell, text, attributes, pair, NULL) == ERR) return ERR;
    return mvadd_wch(row, column, &cell);
}

static inline int br_get_wch(wint_t *character) { return get_wch(character); }

/// Whether terminfo knows `term` and it can address the cursor: 1 yes,
/// 2 known but without cursor addressing, 0 unknown. Leaves nothing set up.
static inline int br_check_terminal(const char *term) {
    int error = 0;
    if (setupterm((char *)term, STDOUT_FILENO, &error) != OK) return 0;
    const char *cup = tigetstr("cup");
    int result = (cup == NULL || cup == (char *)-1) ? 2 : 1;
    del_curterm(cur_term);
    return result;
}

static inline int br_key_code_yes(void) { return KEY_CODE_YES; }

static inline mmask_t br_mouse_mask(void) { return BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED; }
static inline int br_is_wheel_up(mmask_t state) { return (state & BUTTON4_PRESSED) != 0; }
static inline int br_is_wheel_down(mmask_t state) { return (state & BUTTON5_PRESSED) != 0; }
static inline int br_is_click(mmask_t state) { return (state & (BUTTON1_PRESSED | BUTTON1_CLICKED)) != 0; }

/// Reads a pending mouse event: its cell and its button state.
static inline int br_get_mouse(int *x, int *y, mmask_t *state) {
    MEVENT event;
    if (getmouse(&event) != OK) return ERR;
    *x = event.x;
    *y = event.y;
    *state = event.bstate;
    return OK;
}

/// The terminal settings before curses started, restored on a crash path
/// with async-signal-safe calls only.
static inline struct termios *br_saved_termios(int **valid) {
    static struct termios saved;
    static int is_valid = 0;
    *valid = &is_valid;
    return &saved;
}

static inline void br_save_terminal(void) {
    int *valid;
    struct termios *saved = br_saved_termios(&valid);
    if (tcgetattr(STDIN_FILENO, saved) == 0) *valid = 1;
}

static inline void br_emergency_restore(void) {
    int *valid;
    struct termios *saved = br_saved_termios(&valid);
    // Leave the alternate screen, show the cursor, reset attributes, disable mouse reporting.
    static const char reset[] = "\033[?1000l\033[?1002l\033[?1006l\033[0m\033[?25h\033[?1049l\r\n";
    ssize_t ignored = write(STDOUT_FILENO, reset, sizeof(reset) - 1);
    (void)ignored;
    if (*valid) tcsetattr(STDIN_FILENO, TCSANOW, saved);
}

/// Set once a crash signal arrived: the UI thread stops drawing, so its
/// frames do not land on the shell's screen over the crash report.
static inline volatile sig_atomic_t *br_crashing_flag(void) {
    static volatile sig_atomic_t crashing = 0;
    return &crashing;
}

static inline int br_is_crashing(void) { return *br_crashing_flag() != 0; }

/// The handlers in place before ours (Swift's backtracer, when enabled).
static inline struct sigaction *br_previous_crash_actions(void) {
    static struct sigaction previous[NSIG];
    return previous;
}

/// Restores the terminal, then hands the signal to whoever had it before:
/// the crash report (Swift's "Fatal error: …" and its backtrace) lands on
/// the shell's screen instead of vanishing with the alternate screen.
///
/// A fault the CPU raised (a trap, a bad address) happens again when this
/// returns, now to the previous handler, which sees the real context. A
/// signal sent with kill() or raise() would not come again: it is passed
/// on here, and if the previous handler returns, the default action ends
/// the process: a crash signal never leaves the console running without
/// its terminal.
static void br_crash_handler(int signal_number, siginfo_t *info, void *context) {
    (void)context;
    *br_crashing_flag() = 1;
    br_emergency_restore();
    sigaction(signal_number, &br_previous_crash_actions()[signal_number], NULL);
    if (info != NULL && info->si_code > 0) return;
    sigset_t unblocked;
    sigemptyset(&unblocked);
    sigaddset(&unblocked, signal_number);
    pthread_sigmask(SIG_UNBLOCK, &unblocked, NULL);
    raise(signal_number);
    signal(signal_number, SIG_DFL);
    raise(signal_number);
}

/// Restores the terminal before the process dies of a crash signal.
static inline void br_install_crash_handlers(void) {
    int signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
    for (unsigned long index = 0; index < sizeof(signals) / sizeof(signals[0]); index++) {
        struct sigaction action;
        action.sa_sigaction = br_crash_handler;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_SIGINFO;
        sigaction(signals[index], &action, &br_previous_crash_actions()[signals[index]]);
    }
}

#endif
