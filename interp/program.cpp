// Running whole files: the main program, imported modules (DECISIONS.md "Modules") and
// `ruff test` (OUTPUT.md §3), plus the report of errors nobody observed.
#include <alloca.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "interp/interpreter.h"
#include "runtime/tasks.h"

namespace ruff::interp {
using namespace ast;

namespace {

std::string directory_of(std::string const& path) {
    size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string(".") : path.substr(0, slash == 0 ? 1 : slash);
}

bool is_regular_file(std::string const& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

bool read_whole_file(std::string const& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return true;
}

}  // namespace

Value Interpreter::new_module(Program const& program, std::string name, std::string path) {
    auto* m = new Module();
    Value result = Value::adopt(TAG_MODULE, m);
    m->name = std::move(name);
    m->path = std::move(path);
    m->globals.assign(program.globals.size(), Value::unbound());
    m->global_names = program.globals;
    m->frozen = program.global_frozen;
    {
        std::lock_guard<std::mutex> lock(m_rt.modules_mutex);
        m_rt.modules.push_back(result);  // Shared with every task once tasks start.
    }
    for (auto const& s : program.main->body->stmts) {
        if (s->kind != NodeKind::ExportStmt) continue;
        for (auto const& n : as<ExportStmt>(*s).names)
            for (uint32_t slot = 0; slot < program.globals.size(); ++slot)
                if (program.globals[slot] == n) m->exports.emplace_back(n, slot);
    }
    return result;
}

// Runs a file's top-level code as a frame named `frame_name`.
Value Interpreter::run_module_body(Thread& th, LoadedModule& m, std::string_view frame_name) {
    auto const& main = *m.program->main;
    FrameGuard guard(th, frame_name, m.program->file, SourcePos{1, 1});
    uint32_t n = main.frame_size;
    Value* slots = static_cast<Value*>(alloca(sizeof(Value) * (n ? n : 1)));
    for (uint32_t i = 0; i < n; ++i) new (&slots[i]) Value(Value::unbound());
    struct Destroy {
        Value* slots;
        uint32_t n;
        ~Destroy() {
            for (uint32_t i = 0; i < n; ++i) slots[i].~Value();
        }
    } destroy{slots, n};
    Frame frame{slots, nullptr, m.module.as<Module>(), &main, {}, true};
    exec_block(th, frame, *main.body);  // A top-level `return` ends the file's code.
    return m.module;
}

Value Interpreter::import_module(Thread& th, std::string const& name, SourceFile const* from) {
    std::vector<std::string> candidates{directory_of(from->path) + "/" + name + ".ruff"};
    if (char const* env = std::getenv("RUFF_PATH"))
        for (auto dir : absl::StrSplit(env, ':', absl::SkipEmpty())) candidates.push_back(absl::StrCat(dir, "/", name, ".ruff"));
    std::string path;
    for (auto const& c : candidates)
        if (is_regular_file(c)) {
            path = c;
            break;
        }
    if (path.empty()) raise(th, Msg::NoModule, name);
    char resolved[PATH_MAX];
    std::string key = realpath(path.c_str(), resolved) ? std::string(resolved) : path;
    auto& slot = m_modules[key];
    if (slot && slot->loaded) return slot->module;
    if (slot && slot->loading) {
        std::vector<std::string> chain = m_loading_stack;
        chain.push_back(name);
        size_t start = 0;
        for (size_t i = 0; i < m_loading_stack.size(); ++i)
            if (m_loading_stack[i] == name) start = i;
        chain.erase(chain.begin(), chain.begin() + static_cast<long>(start));
        raise(th, Msg::CircularImport, absl::StrJoin(chain, " -> "));
    }
    std::string text;
    if (!read_whole_file(path, text)) raise(th, ErrorType::ImportError, absl::StrCat("cannot read module '", name, "'"));
    SourceFile const* file = m_rt.add_source(path, std::move(text));
    SyntaxError syntax;
    auto program = compile(file, syntax);
    if (!program) {
        Value error = make_error(th, "SyntaxError", syntax.message);
        error.as<ErrorObj>()->detail = format_syntax_error(syntax);
        reraise(std::move(error));
    }
    slot = std::make_unique<LoadedModule>();
    LoadedModule& m = *slot;
    m.module = new_module(*program, name, path);
    m.program = std::move(program);
    m.loading = true;
    m_loading_stack.push_back(name);
    struct Unwind {
        Interpreter& self;
        LoadedModule& m;
        ~Unwind() {
            self.m_loading_stack.pop_back();
            m.loading = false;
        }
    } unwind{*this, m};
    static thread_local std::vector<std::unique_ptr<std::string>> frame_names;
    frame_names.push_back(std::make_unique<std::string>(absl::StrCat("<module ", name, ">")));
    run_module_body(th, m, *frame_names.back());
    m.loaded = true;
    return m.module;
}

void Interpreter::exec_import(Thread& th, Frame& f, ImportStmt const& s) {
    th.set_pos(s.pos);
    Value module = import_module(th, s.module, f.fn->file);
    if (s.names.empty()) {
        define_var(th, f, s.refs[0], std::move(module));
        return;
    }
    for (size_t i = 0; i < s.names.size(); ++i) {
        Value const* v = module.as<Module>()->export_slot(s.names[i]);
        if (!v || v->is_unbound()) {
            if (i < s.name_pos.size()) th.set_pos(s.name_pos[i]);
            raise(th, Msg::NoImportName, s.names[i], s.module);
        }
        define_var(th, f, s.refs[i], *v);
    }
}

// ---------------------------------------------------------------------------------------------

int Interpreter::run_main(Thread& th, SourceFile const* file) {
    SyntaxError syntax;
    auto program = compile(file, syntax);
    if (!program) {
        m_rt.write_stderr(format_syntax_error(syntax));
        return 3;
    }
    auto& slot = m_modules[file->path];
    slot = std::make_unique<LoadedModule>();
    slot->module = new_module(*program, "<main>", file->path);
    slot->program = std::move(program);
    slot->loading = true;
    int code = 0;
    try {
        run_module_body(th, *slot, "<main>");
    } catch (RuffException& e) {
        auto* error = e.error.as<ErrorObj>();
        report_error(th, e.error);
        code = error->type == "SyntaxError" && !error->detail.empty() ? 3 : 4;
    } catch (ExitRequest& exit) {
        m_rt.flush_stdout();
        if (m_rt.scheduler) std::_Exit(exit.code);  // exit(n) ends the program at once, tasks or not.
        return exit.code;
    }
    join_tasks(th);  // The program ends only after every task has finished.
    if (report_unhandled(th, &format_uncaught) && code == 0) code = 4;
    m_rt.flush_stdout();
    return code;
}

// ---------------------------------------------------------------------------------------------
// ruff test

namespace {

struct TestCase {
    std::string name;
    FunctionNode const* body;
};

struct TestPlan {
    std::vector<TestCase> tests;
    FunctionNode const* setup = nullptr;
    FunctionNode const* teardown = nullptr;
};

void collect_tests(std::vector<StmtPtr> const& stmts, std::string const& prefix, TestPlan& plan) {
    for (auto const& s : stmts) {
        if (s->kind != NodeKind::TestStmt) continue;
        auto const& t = as<TestStmt>(*s);
        switch (t.test_kind) {
        case TestKind::Test: plan.tests.push_back({prefix + t.name, t.fn.get()}); break;
        case TestKind::Group: collect_tests(t.children, prefix + t.name + " > ", plan); break;
        case TestKind::Setup: plan.setup = t.fn.get(); break;
        case TestKind::Teardown: plan.teardown = t.fn.get(); break;
        }
    }
}

bool is_declaration(Stmt const& s) {
    switch (s.kind) {
    case NodeKind::FuncDeclStmt:
    case NodeKind::StructDeclStmt:
    case NodeKind::EnumDeclStmt:
    case NodeKind::ImportStmt: return true;
    case NodeKind::LetStmt: return as<LetStmt>(s).is_const;
    case NodeKind::ExportStmt: return is_declaration(*as<ExportStmt>(s).decl);
    default: return false;
    }
}

}  // namespace

int Interpreter::run_tests(Thread& th, std::vector<SourceFile const*> const& files) {
    std::vector<std::unique_ptr<Program>> programs;
    for (auto const* file : files) {
        SyntaxError syntax;
        programs.push_back(compile(file, syntax));
        if (!programs.back()) {
            m_rt.write_stderr(format_syntax_error(syntax));
            return 3;
        }
    }
    size_t passed = 0, failed = 0;
    for (size_t i = 0; i < files.size(); ++i) {
        Value module_value = new_module(*programs[i], "<main>", files[i]->path);
        m_programs.push_back(std::move(programs[i]));
        Program const& program = *m_programs.back();
        auto* module = module_value.as<Module>();
        Frame top{nullptr, nullptr, module, program.main.get(), {}, true};
        th.frames.push_back(FrameRecord{"<main>", files[i], 1, 1});
        try {
            for (auto const& s : program.main->body->stmts)
                if (is_declaration(*s)) exec(th, top, *s);
        } catch (RuffException& e) {
            report_error(th, e.error);
            return 4;
        }
        th.frames.pop_back();
        TestPlan plan;
        collect_tests(program.main->body->stmts, files.size() > 1 ? files[i]->path + "::" : "", plan);
        std::vector<Value> snapshot = module->globals;
        for (auto const& test : plan.tests) {
            module->globals = snapshot;  // Each test runs on a fresh copy of the globals.
            Value first_error;
            auto run = [&](FunctionNode const* body) {
                if (!body || !first_error.is_null()) return;
                try {
                    Value closure = make_closure(th, top, *body);
                    call_body(th, closure.as<Function>(), {}, nullptr);
                } catch (RuffException& e) {
                    first_error = std::move(e.error);
                } catch (EarlyReturn&) {
                }
            };
            try {
                run(plan.setup);
                run(test.body);
                run(plan.teardown);
            } catch (ExitRequest& exit) {
                m_rt.flush_stdout();
                return exit.code;
            }
            if (first_error.is_null()) {
                ++passed;
                m_rt.write_stdout(absl::StrCat("PASS ", test.name, "\n"));
            } else {
                ++failed;
                auto* e = first_error.as<ErrorObj>();
                m_rt.write_stdout(absl::StrCat("FAIL ", test.name, ": ", e->type, ": ", e->message, "\n"));
            }
        }
        module->globals.clear();
    }
    m_rt.write_stdout(absl::StrCat(passed, " passed, ", failed, " failed\n"));
    m_rt.flush_stdout();
    return failed ? 1 : 0;
}

}  // namespace ruff::interp
