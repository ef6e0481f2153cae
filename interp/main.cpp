// The `ruff` command: parses the command line (OUTPUT.md §4-5), loads the file and runs it (or
// its tests) on a thread with a large stack, so deep Ruff recursion hits the RecursionError
// guard long before the native stack runs out.
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <oneapi/tbb/version.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "compiler/ast_dump.h"
#include "interp/interpreter.h"
#include "stdlib/stdlib.h"

namespace {

using namespace ruff;

// Virtual: pages are touched only when used. AddressSanitizer cannot unpoison stacks above
// 64 MiB when an exception unwinds (false reports follow), so sanitizer builds use less.
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t k_main_stack = size_t(60) << 20;
#else
constexpr size_t k_main_stack = size_t(1) << 30;
#endif

char const* const k_help =
    "Usage: ruff [OPTIONS] [exec|run|test] FILE [ARGS...]\n"
    "Commands:\n"
    "  exec FILE [ARGS...]  run FILE (also: ruff FILE); ARGS go to the program\n"
    "  run FILE [ARGS...]   alias of exec\n"
    "  test FILE...         run the test blocks of each FILE and print a report\n"
    "Options (before or after the command; everything after FILE goes to the program):\n"
    "  --jit=MODE           off, on (default), eager (compile before the first call), stress (testing)\n"
    "  --jit-threshold=N    calls before a function is compiled (default 1000)\n"
    "  --sched=MODE         par (default) or seq (each async call runs to completion at the call)\n"
    "  --max-depth=N        recursion limit (default 10000)\n"
    "  -h, --help           print this help and exit\n"
    "  --version            print the version and exit\n"
    "Environment: RUFF_PATH (':'-separated import directories), RUFF_THREADS (async worker threads).\n";

struct UsageError {
    std::string message;
};

struct CommandLine {
    enum class Command { Exec, Test, Help, Version } command = Command::Exec;
    std::vector<std::string> files;
    bool dump_ast = false;
};

bool parse_uint(std::string const& text, uint32_t& out) {
    return !text.empty() && absl::SimpleAtoi(text, &out);
}

// Handles one option; `next` supplies the value for the `--opt V` form.
void apply_option(std::string const& arg, Options& options, CommandLine& cl, std::vector<std::string> const& argv, size_t& i) {
    std::string name = arg, value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
        name = arg.substr(0, eq);
        value = arg.substr(eq + 1);
        has_value = true;
    }
    auto take_value = [&]() -> std::string {
        if (has_value) return value;
        if (i + 1 >= argv.size()) throw UsageError{absl::StrCat("option '", name, "' needs a value")};
        return argv[++i];
    };
    if (name == "-h" || name == "--help") cl.command = CommandLine::Command::Help;
    else if (name == "--version") cl.command = CommandLine::Command::Version;
    else if (name == "--interpreter") {
    } else if (name == "--dump-ast") cl.dump_ast = true;
    else if (name == "--jit") {
        std::string v = take_value();
        if (v == "off") options.jit = JitMode::Off;
        else if (v == "on") options.jit = JitMode::On;
        else if (v == "eager") options.jit = JitMode::Eager;
        else if (v == "stress") options.jit = JitMode::Stress;
        else throw UsageError{absl::StrCat("invalid value '", v, "' for --jit (expected off, on, eager or stress)")};
    } else if (name == "--jit-threshold") {
        std::string v = take_value();
        if (!parse_uint(v, options.jit_threshold)) throw UsageError{absl::StrCat("invalid value '", v, "' for --jit-threshold (expected a number)")};
    } else if (name == "--sched") {
        std::string v = take_value();
        if (v == "par") options.sched = SchedMode::Par;
        else if (v == "seq") options.sched = SchedMode::Seq;
        else throw UsageError{absl::StrCat("invalid value '", v, "' for --sched (expected par or seq)")};
    } else if (name == "--max-depth") {
        std::string v = take_value();
        if (!parse_uint(v, options.max_depth) || options.max_depth == 0)
            throw UsageError{absl::StrCat("invalid value '", v, "' for --max-depth (expected a positive number)")};
    } else {
        throw UsageError{absl::StrCat("unknown option '", name, "'")};
    }
}

CommandLine parse_command_line(std::vector<std::string> const& argv, Options& options) {
    CommandLine cl;
    bool command_seen = false;
    for (size_t i = 0; i < argv.size(); ++i) {
        std::string const& arg = argv[i];
        if (arg.size() > 1 && arg[0] == '-') {
            apply_option(arg, options, cl, argv, i);
            continue;
        }
        if (!command_seen && cl.files.empty() && (arg == "exec" || arg == "run" || arg == "test")) {
            command_seen = true;
            if (arg == "test") cl.command = CommandLine::Command::Test;
            continue;
        }
        cl.files.push_back(arg);
        if (cl.command != CommandLine::Command::Test) {
            // Everything after FILE goes to the program.
            options.program_args.assign(argv.begin() + static_cast<long>(i) + 1, argv.end());
            break;
        }
    }
    if ((cl.command == CommandLine::Command::Exec || cl.command == CommandLine::Command::Test) && cl.files.empty())
        throw UsageError{"missing FILE"};
    return cl;
}

// Reads a script; on failure prints `ruff: cannot open FILE: REASON` and returns nullopt.
std::optional<std::string> read_script(std::string const& path) {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
        std::fprintf(stderr, "ruff: cannot open %s: %s\n", path.c_str(), std::strerror(errno));
        return std::nullopt;
    }
    std::string text;
    char buffer[65536];
    size_t n;
    while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
    int error = std::ferror(f) ? errno : 0;
    std::fclose(f);
    if (error) {
        std::fprintf(stderr, "ruff: cannot open %s: %s\n", path.c_str(), std::strerror(error));
        return std::nullopt;
    }
    return text;
}

struct Job {
    Runtime* rt;
    interp::Interpreter* interp;
    CommandLine* cl;
    std::vector<SourceFile const*> files;
    int exit_code = 0;
};

void* run_job(void* arg) {
    auto* job = static_cast<Job*>(arg);
    Thread th(*job->rt);
    init_stack_limit(th, k_main_stack);
    try {
        th.frames.reserve(std::min<size_t>(job->rt->options.max_depth, 20000) + 64);
        if (job->cl->command == CommandLine::Command::Test) {
            job->rt->options.sched = SchedMode::Seq;  // Each test runs isolated: its tasks at the call.
            job->exit_code = job->interp->run_tests(th, job->files);
        } else {
            job->exit_code = job->interp->run_main(th, job->files[0]);
        }
    } catch (ExitRequest& e) {
        job->exit_code = e.code;
    } catch (std::exception& e) {
        job->rt->write_stderr(absl::StrCat("ruff: internal error: ", e.what(), "\n"));
        job->exit_code = 6;
    }
    return nullptr;
}

int run_on_big_stack(Job& job) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, k_main_stack);
    pthread_t thread;
    if (pthread_create(&thread, &attr, &run_job, &job) != 0) {
        run_job(&job);  // Fall back to the current thread.
    } else {
        pthread_join(thread, nullptr);
    }
    pthread_attr_destroy(&attr);
    return job.exit_code;
}

}  // namespace

int main(int argc, char** argv) {
    // The runtime and interpreter live until exit (never destroyed): values in flight at exit
    // stay reachable, and exit(n) from deep inside a program needs no unwinding of them.
    static Runtime* const rt = new Runtime();
    if (!isatty(fileno(stdout))) std::setvbuf(stdout, nullptr, _IOFBF, 1 << 16);
    CommandLine cl;
    try {
        cl = parse_command_line(std::vector<std::string>(argv + 1, argv + argc), rt->options);
    } catch (UsageError& e) {
        std::fprintf(stderr, "ruff: %s\nTry 'ruff --help' for more information.\n", e.message.c_str());
        return 2;
    }
    if (cl.command == CommandLine::Command::Help) {
        std::fputs(k_help, stdout);
        return 0;
    }
    if (cl.command == CommandLine::Command::Version) {
        std::printf("ruff %s (LLVM %s, oneTBB %d.%d)\n", RUFF_VERSION, RUFF_LLVM_VERSION, TBB_VERSION_MAJOR, TBB_VERSION_MINOR);
        return 0;
    }
    register_stdlib(*rt);
    static interp::Interpreter* const interpreter = new interp::Interpreter(*rt);
    Job job{rt, interpreter, &cl, {}};
    for (auto const& path : cl.files) {
        auto text = read_script(path);
        if (!text) return 5;
        job.files.push_back(rt->add_source(path, std::move(*text)));
    }
    if (!cl.files.empty()) rt->options.program_path = cl.files[0];
    if (cl.dump_ast) {
        SyntaxError error;
        auto program = parse_program(job.files[0], error);
        if (!program) {
            rt->write_stderr(format_syntax_error(error));
            return 3;
        }
        std::fputs(ruff::dump_ast(*program).c_str(), stdout);
        return 0;
    }
    int code = run_on_big_stack(job);
    std::fflush(stdout);
    return code;
}
