"""Exit codes of the `advisor` command, the same for every subcommand (README, "Command line").

  0    done
  1    done, with something to act on: `rules check` found problems, `rules coverage` found articles
       or clauses without a rule or a stated reason, `batch` had rows that failed (see the errors file)
  2    usage error (an unknown option or a bad argument); for `batch`, nothing could run
  3    data error: the input is not valid (a profile field, JSON syntax, a date before the plan)
  4    I/O error: a file cannot be read or written
  78   configuration error (sysexits.h EX_CONFIG): a setting that cannot be used, named by its variable
       (`serve`, `batch-worker`, `db upgrade`)
  130  interrupted (Ctrl-C)
  141  the output was closed early (e.g. piped into `head`); nothing is printed about it
"""

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_DATA = 3
EXIT_IO = 4
EXIT_CONFIG = 78
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141
