/*
 * A statement time limit for SQLite, as a loadable extension (src/db/sqlite/watchdog.ts loads it).
 *
 * better-sqlite3 runs statements synchronously on Node's main thread and is built without SQLite's
 * progress handler, so nothing on that thread can stop a statement that runs too long. This extension
 * watches from another thread instead: trace callbacks record when each statement of a connection starts
 * and ends, and a watchdog thread calls sqlite3_interrupt() (documented as safe from another thread) on a
 * connection whose current statement has run past its limit. The statement then fails with
 * SQLITE_INTERRUPT, which the database layer reports as a timeout.
 *
 * SQL interface, per connection:
 *   select quorum_statement_timeout(ms)      -- sets the limit (0: none) and returns the previous one
 *   select quorum_lift_statement_timeout()   -- inside a transaction: no limit until it commits or rolls
 *                                               back (migrations and schema changes may run long)
 *
 * A connection is watched from the moment the extension is loaded on it until it closes: SQLite destroys
 * the function above when the connection closes, and its destructor removes the connection from the
 * watch list under the same lock the watchdog holds while it interrupts, so a closed connection is never
 * touched.
 */
#define _GNU_SOURCE
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

typedef struct Watch Watch;
struct Watch {
  sqlite3 *db;
  long long limit_ns;   /* 0: no limit */
  long long started_ns; /* start of the running top-level statement; 0 when none runs */
  int lifted;           /* no limit until the current transaction ends */
  Watch *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Watch *watches = NULL;
static int watchdog_started = 0;

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Polls every 1/10 of the shortest limit (1 to 50 ms): a statement is stopped within ~10% of its limit. */
static void *watchdog(void *unused) {
  (void)unused;
  for (;;) {
    long long interval = 50000000LL;
    pthread_mutex_lock(&lock);
    long long now = now_ns();
    for (Watch *w = watches; w; w = w->next) {
      if (w->limit_ns <= 0 || w->lifted) continue;
      if (w->limit_ns / 10 < interval) interval = w->limit_ns / 10;
      if (w->started_ns > 0 && now - w->started_ns >= w->limit_ns) {
        sqlite3_interrupt(w->db);
        w->started_ns = 0; /* once per statement */
      }
    }
    pthread_mutex_unlock(&lock);
    if (interval < 1000000LL) interval = 1000000LL;
    struct timespec pause = {interval / 1000000000LL, interval % 1000000000LL};
    nanosleep(&pause, NULL);
  }
  return NULL;
}

static int on_trace(unsigned type, void *context, void *statement, void *extra) {
  (void)statement;
  Watch *w = (Watch *)context;
  if (type == SQLITE_TRACE_STMT) {
    const char *text = (const char *)extra;
    /* Trigger programs report their own start, as "-- TRIGGER name": the statement's clock runs on. */
    if (text && text[0] == '-' && text[1] == '-') return 0;
    long long now = now_ns();
    pthread_mutex_lock(&lock);
    w->started_ns = now;
    pthread_mutex_unlock(&lock);
  } else if (type == SQLITE_TRACE_PROFILE) {
    pthread_mutex_lock(&lock);
    w->started_ns = 0;
    pthread_mutex_unlock(&lock);
  }
  return 0;
}

static void set_timeout(sqlite3_context *context, int argc, sqlite3_value **argv) {
  (void)argc;
  Watch *w = (Watch *)sqlite3_user_data(context);
  long long ms = sqlite3_value_int64(argv[0]);
  if (ms < 0) ms = 0;
  pthread_mutex_lock(&lock);
  long long previous = w->limit_ns / 1000000LL;
  w->limit_ns = ms * 1000000LL;
  pthread_mutex_unlock(&lock);
  sqlite3_result_int64(context, previous);
}

static void lift_timeout(sqlite3_context *context, int argc, sqlite3_value **argv) {
  (void)argc;
  (void)argv;
  Watch *w = (Watch *)sqlite3_user_data(context);
  pthread_mutex_lock(&lock);
  w->lifted = 1;
  pthread_mutex_unlock(&lock);
  sqlite3_result_null(context);
}

static void end_lift(Watch *w) {
  pthread_mutex_lock(&lock);
  w->lifted = 0;
  pthread_mutex_unlock(&lock);
}

static int on_commit(void *data) {
  end_lift((Watch *)data);
  return 0; /* let the commit proceed */
}

static void on_rollback(void *data) { end_lift((Watch *)data); }

/* Called by SQLite when the connection closes (the function is destroyed with it). */
static void release(void *data) {
  Watch *w = (Watch *)data;
  pthread_mutex_lock(&lock);
  for (Watch **p = &watches; *p; p = &(*p)->next) {
    if (*p == w) {
      *p = w->next;
      break;
    }
  }
  pthread_mutex_unlock(&lock);
  free(w);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
int sqlite3_sqlitewatchdog_init(sqlite3 *db, char **error, const sqlite3_api_routines *api) {
  SQLITE_EXTENSION_INIT2(api);
  Watch *w = (Watch *)calloc(1, sizeof(Watch));
  if (!w) return SQLITE_NOMEM;
  w->db = db;
  int rc = sqlite3_create_function_v2(db, "quorum_statement_timeout", 1, SQLITE_UTF8 | SQLITE_DIRECTONLY,
                                      w, set_timeout, NULL, NULL, release);
  if (rc != SQLITE_OK) {
    free(w);
    return rc;
  }
  /* Registered after the first function, whose destructor owns w: no destructor of its own. */
  rc = sqlite3_create_function_v2(db, "quorum_lift_statement_timeout", 0, SQLITE_UTF8 | SQLITE_DIRECTONLY, w,
                                  lift_timeout, NULL, NULL, NULL);
  if (rc != SQLITE_OK) return rc;
  pthread_mutex_lock(&lock);
  w->next = watches;
  watches = w;
  int start = !watchdog_started;
  watchdog_started = 1;
  pthread_mutex_unlock(&lock);
  if (start) {
    /* SQLite unloads an extension when the connection that loaded it closes; the watchdog thread runs
       this library's code for the life of the process, so it must stay mapped: take a reference that is
       never released. */
    Dl_info self;
    if (!dladdr((void *)sqlite3_sqlitewatchdog_init, &self) || !dlopen(self.dli_fname, RTLD_NOW | RTLD_NODELETE)) {
      pthread_mutex_lock(&lock);
      watchdog_started = 0;
      pthread_mutex_unlock(&lock);
      *error = sqlite3_mprintf("quorum watchdog: cannot keep its library loaded");
      return SQLITE_ERROR;
    }
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&thread, &attributes, watchdog, NULL) != 0) {
      pthread_mutex_lock(&lock);
      watchdog_started = 0;
      pthread_mutex_unlock(&lock);
      *error = sqlite3_mprintf("quorum watchdog: cannot start its thread");
      pthread_attr_destroy(&attributes);
      return SQLITE_ERROR;
    }
    pthread_attr_destroy(&attributes);
  }
  sqlite3_trace_v2(db, SQLITE_TRACE_STMT | SQLITE_TRACE_PROFILE, on_trace, w);
  sqlite3_commit_hook(db, on_commit, w);
  sqlite3_rollback_hook(db, on_rollback, w);
  return SQLITE_OK;
}
