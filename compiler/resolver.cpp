// The resolver: decides where every name lives (DECISIONS.md "Bindings" and "Scopes").
//
// - A name assigned anywhere at top level (outside functions) is a global of the file.
// - `x := v` updates the nearest lexically visible binding, else defines a function-scoped local.
// - `let`, `for` variables, match bindings and `except` names are block-scoped and fresh per
//   execution (closures capture each value).
// - A local captured by an inner function lives in a Cell; captures are copied into closures.
// - Inside a method, a declared field that no local shadows means `self.field`.
#include "compiler/resolver.h"

#include <unordered_map>

namespace ruff {
using namespace ast;

namespace {

struct Scope {
    std::unordered_map<std::string, uint32_t> names;  // name -> slot
};

struct FunctionScope {
    FunctionNode* fn;
    FunctionScope* parent;
    bool is_main;
    std::vector<Scope> blocks;                      // blocks[0] is the function scope
    std::vector<bool> slot_is_cell;
    std::vector<bool> slot_is_const;
    std::vector<bool> slot_function_scoped;         // := locals and params (cells made at entry)
    std::vector<std::vector<VarRef*>> slot_refs;    // every reference, patched to LocalCell at the end
    std::unordered_map<std::string, uint32_t> capture_index;
    std::vector<uint32_t> param_slots;
};

class Resolver {
public:
    Resolver(Program& program, std::function<bool(std::string const&)> const& is_builtin)
        : m_program(program), m_is_builtin(is_builtin) {}

    void run() {
        collect_globals(*m_program.main->body, true);
        FunctionScope main{m_program.main.get(), nullptr, true, {Scope{}}, {}, {}, {}, {}, {}, {}};
        m_current = &main;
        resolve_block_stmts(*m_program.main->body);
        finish_function(main);
        m_program.main->info.name = "<main>";
        // A global that functions (so tasks) can reach is never moved out of its slot: another
        // task would see it empty. Top-level-only globals keep the move (linear push loops).
        for (Identifier* id : m_global_moves)
            if (m_global_in_functions[id->ref.index]) id->is_move = false;
        m_program.global_frozen.resize(m_program.globals.size());
        for (size_t i = 0; i < m_program.globals.size(); ++i)
            m_program.global_frozen[i] = (m_global_declared[i] || m_global_bound_once[i]) && m_global_writes[i] == 1;
        m_program.main->info.display_name = "<main>";
    }

private:
    // ---- globals ---------------------------------------------------------------------------
    uint32_t global_slot(std::string const& name) {
        auto it = m_global_index.find(name);
        if (it != m_global_index.end()) return it->second;
        uint32_t slot = static_cast<uint32_t>(m_program.globals.size());
        m_program.globals.push_back(name);
        m_program.global_is_const.push_back(false);
        m_global_writes.push_back(0);
        m_global_in_functions.push_back(false);
        m_global_declared.push_back(false);
        m_global_bound_once.push_back(false);
        m_global_index[name] = slot;
        return slot;
    }

    void collect_pattern_globals(Pattern const& p) {
        if (p.kind == PatternKind::Bind || p.kind == PatternKind::Rest) global_slot(p.name);
        for (auto const& e : p.elements) collect_pattern_globals(*e);
    }

    void collect_globals(Block const& block, bool outermost) {
        for (auto const& s : block.stmts) collect_stmt_globals(*s, outermost);
    }

    void collect_stmt_globals(Stmt const& s, bool outermost) {
        switch (s.kind) {
        case NodeKind::AssignStmt: {
            auto const& a = as<AssignStmt>(s);
            if (a.target->kind == NodeKind::Identifier && as<Identifier>(*a.target).name != "self")
                global_slot(as<Identifier>(*a.target).name);
            break;
        }
        case NodeKind::LetStmt: {
            auto const& l = as<LetStmt>(s);
            if (!l.is_decl || outermost) collect_pattern_globals(*l.pattern);
            if (l.is_const && outermost && l.pattern->kind == PatternKind::Bind)
                m_program.global_is_const[global_slot(l.pattern->name)] = true;
            break;
        }
        case NodeKind::FuncDeclStmt:
            if (outermost) global_slot(as<FuncDeclStmt>(s).fn->name);
            break;
        case NodeKind::StructDeclStmt:
            if (outermost) global_slot(as<StructDeclStmt>(s).name);
            break;
        case NodeKind::EnumDeclStmt:
            if (outermost) global_slot(as<EnumDeclStmt>(s).name);
            break;
        case NodeKind::ImportStmt: {
            auto const& i = as<ImportStmt>(s);
            if (i.names.empty()) global_slot(i.module);
            for (auto const& n : i.names) global_slot(n);
            break;
        }
        case NodeKind::ExportStmt: collect_stmt_globals(*as<ExportStmt>(s).decl, outermost); break;
        case NodeKind::IfStmt: {
            auto const& i = as<IfStmt>(s);
            collect_globals(*i.then_block, false);
            if (i.else_branch) collect_stmt_globals(*i.else_branch, false);
            break;
        }
        case NodeKind::Block: collect_globals(as<Block>(s), false); break;
        case NodeKind::WhileStmt: collect_globals(*as<WhileStmt>(s).body, false); break;
        case NodeKind::ForStmt: collect_globals(*as<ForStmt>(s).body, false); break;
        case NodeKind::MatchStmt:
            for (auto const& arm : as<MatchStmt>(s).arms) collect_globals(*arm.body, false);
            break;
        case NodeKind::TryStmt:
            collect_globals(*as<TryStmt>(s).body, false);
            collect_globals(*as<TryStmt>(s).handler, false);
            break;
        default: break;
        }
    }

    // ---- slots -----------------------------------------------------------------------------
    uint32_t new_slot(FunctionScope& f, bool function_scoped) {
        uint32_t slot = f.fn->frame_size++;
        f.slot_is_cell.push_back(false);
        f.slot_is_const.push_back(false);
        f.slot_function_scoped.push_back(function_scoped);
        f.slot_refs.emplace_back();
        return slot;
    }

    VarRef local_ref(FunctionScope& f, uint32_t slot, VarRef* ref) {
        VarRef r{VarKind::Local, slot, f.slot_is_const[slot]};
        if (ref) f.slot_refs[slot].push_back(ref);
        return r;
    }

    // Declares a block-scoped name (let, for variable, match binding, except name, parameter).
    uint32_t declare_block(std::string const& name, bool function_scoped = false) {
        auto& f = *m_current;
        uint32_t slot = new_slot(f, function_scoped);
        (function_scoped ? f.blocks.front() : f.blocks.back()).names[name] = slot;
        return slot;
    }

    static int find_local(FunctionScope const& f, std::string const& name) {
        for (auto it = f.blocks.rbegin(); it != f.blocks.rend(); ++it) {
            auto found = it->names.find(name);
            if (found != it->names.end()) return static_cast<int>(found->second);
        }
        return -1;
    }

    static int field_of(FunctionScope const& f, std::string const& name) {
        if (!f.fn->is_method || !f.fn->owner) return -1;
        auto const& fields = f.fn->owner->fields;
        for (size_t i = 0; i < fields.size(); ++i)
            if (fields[i] == name) return static_cast<int>(i);
        return -1;
    }

    // Finds `name` in an enclosing function and threads a capture through every level between.
    bool capture(FunctionScope& f, std::string const& name, uint32_t& index) {
        auto known = f.capture_index.find(name);
        if (known != f.capture_index.end()) {
            index = known->second;
            return true;
        }
        FunctionScope* parent = f.parent;
        if (!parent) return false;
        FunctionNode::CaptureSource source{};
        int slot = find_local(*parent, name);
        if (slot >= 0) {
            parent->slot_is_cell[slot] = true;
            source = {false, static_cast<uint32_t>(slot)};
        } else {
            uint32_t parent_index;
            if (!capture(*parent, name, parent_index)) return false;
            source = {true, parent_index};
        }
        index = static_cast<uint32_t>(f.fn->captures.size());
        f.fn->captures.push_back(source);
        f.capture_index[name] = index;
        return true;
    }

    VarRef lookup(std::string const& name, VarRef* ref) {
        auto& f = *m_current;
        int slot = find_local(f, name);
        if (slot >= 0) return local_ref(f, static_cast<uint32_t>(slot), ref);
        int field = field_of(f, name);
        if (field >= 0) return VarRef{VarKind::SelfField, static_cast<uint32_t>(field)};
        uint32_t index;
        if (capture(f, name, index)) return VarRef{VarKind::Capture, index};
        auto g = m_global_index.find(name);
        if (g != m_global_index.end()) {
            if (!f.is_main) m_global_in_functions[g->second] = true;
            if (!f.fn->is_spawn) return VarRef{VarKind::Global, g->second, m_program.global_is_const[g->second]};
            // A spawn body works on a snapshot by value: assignments inside stay inside.
            uint32_t slot = declare_block(name, true);
            f.fn->global_snapshots.emplace_back(slot, g->second);
            return local_ref(f, slot, ref);
        }
        if (m_is_builtin(name)) return VarRef{VarKind::Builtin, 0};
        return VarRef{VarKind::Undefined, 0};
    }

    // `name := v`: the nearest visible binding, else a new function-scoped local.
    VarRef note_write(VarRef r, bool declaration = false) {
        if (r.kind == VarKind::Global) {
            ++m_global_writes[r.index];
            if (declaration) m_global_declared[r.index] = true;
            if (m_current->is_main && m_main_loops == 0) m_global_bound_once[r.index] = true;
        }
        return r;
    }

    VarRef assign_target(std::string const& name, VarRef* ref) {
        VarRef r = lookup(name, ref);
        if (r.kind != VarKind::Builtin && r.kind != VarKind::Undefined) return note_write(r);
        if (m_current->is_main) return note_write(VarRef{VarKind::Global, global_slot(name)});
        uint32_t slot = declare_block(name, true);
        return local_ref(*m_current, slot, ref);
    }

    // Binds a pattern's names: `define` makes fresh bindings, otherwise each name follows :=.
    void bind_pattern(Pattern& p, bool define, bool is_const = false) {
        switch (p.kind) {
        case PatternKind::Bind:
        case PatternKind::Rest:
            if (!define) {
                p.ref = assign_target(p.name, &p.ref);
            } else if (m_current->is_main && m_current->blocks.size() == 1) {
                p.ref = note_write(VarRef{VarKind::Global, global_slot(p.name)}, is_const);
            } else {
                uint32_t slot = declare_block(p.name);
                m_current->slot_is_const[slot] = is_const;
                p.ref = local_ref(*m_current, slot, &p.ref);
                p.ref.is_const = false;  // The defining binding itself may store.
            }
            break;
        case PatternKind::Wildcard:
        case PatternKind::Literal: break;
        case PatternKind::Tag:
        case PatternKind::Array:
        case PatternKind::Dict:
            for (auto& e : p.elements) bind_pattern(*e, define, is_const);
            break;
        }
    }

    // ---- functions -------------------------------------------------------------------------
    void fill_info(FunctionNode& fn) {
        auto& info = fn.info;
        if (fn.name.empty()) info.name = "<lambda>";
        else if (fn.is_method && fn.owner) info.name = fn.owner->name + "." + fn.name;
        else info.name = fn.name;
        info.display_name = info.name;
        info.kind = fn.is_generator ? FunctionKind::Generator : fn.is_async ? FunctionKind::Async : FunctionKind::Normal;
        info.max_params = static_cast<uint32_t>(fn.params.size());
        info.min_params = 0;
        for (auto const& p : fn.params)
            if (!p.default_value) ++info.min_params;
        info.is_method = fn.is_method;
        info.is_lambda = fn.name.empty();
        info.code = &fn;
    }

    void resolve_function(FunctionNode& fn) {
        fill_info(fn);
        FunctionScope scope{&fn, m_current, false, {Scope{}}, {}, {}, {}, {}, {}, {}};
        FunctionScope* saved = m_current;
        m_current = &scope;
        if (fn.is_method) declare_block("self", true);  // Slot 0.
        for (auto& p : fn.params) {
            if (p.default_value) resolve_expr(*p.default_value);  // Sees earlier parameters.
            uint32_t slot = declare_block(p.name, true);
            p.ref = local_ref(scope, slot, &p.ref);
            scope.param_slots.push_back(slot);
        }
        resolve_block_stmts(*fn.body);
        finish_function(scope);
        m_current = saved;
    }

    void finish_function(FunctionScope& f) {
        auto& fn = *f.fn;
        // Function-scoped cells (parameters, self, := locals) are made at entry, wrapping whatever
        // the slot holds then; block-scoped ones are made fresh at each binding.
        for (uint32_t slot = 0; slot < fn.frame_size; ++slot) {
            if (!f.slot_is_cell[slot]) continue;
            for (VarRef* r : f.slot_refs[slot])
                if (r->kind == VarKind::Local && r->index == slot) r->kind = VarKind::LocalCell;
            if (f.slot_function_scoped[slot]) fn.cell_slots.push_back(slot);
        }
        fn.file = fn.file ? fn.file : m_program.file;
        fn.simple_params = !fn.is_method && fn.cell_slots.empty() && fn.info.min_params == fn.info.max_params;
        for (size_t i = 0; i < fn.params.size(); ++i)
            if (fn.params[i].ref.index != i) fn.simple_params = false;
        if (fn.simple_params && fn.global_snapshots.empty() && fn.info.kind == FunctionKind::Normal)
            fn.direct_arity = fn.params.size();
    }

    // ---- statements ------------------------------------------------------------------------
    void resolve_block_stmts(Block& block) {
        for (auto& s : block.stmts) resolve_stmt(*s);
    }

    void resolve_scoped_block(Block& block) {
        m_current->blocks.emplace_back();
        resolve_block_stmts(block);
        m_current->blocks.pop_back();
    }

    void resolve_stmt(Stmt& s) {
        switch (s.kind) {
        case NodeKind::Block: resolve_scoped_block(as<Block>(s)); return;
        case NodeKind::ExprStmt: resolve_expr(*as<ExprStmt>(s).expr); return;
        case NodeKind::LetStmt: {
            auto& l = as<LetStmt>(s);
            resolve_expr(*l.value);
            bind_pattern(*l.pattern, l.is_decl, l.is_const);
            return;
        }
        case NodeKind::AssignStmt: resolve_assign(as<AssignStmt>(s)); return;
        case NodeKind::FuncDeclStmt: {
            auto& d = as<FuncDeclStmt>(s);
            d.ref = declare_function_name(d.fn->name, &d.ref);
            resolve_function(*d.fn);
            return;
        }
        case NodeKind::StructDeclStmt: {
            auto& d = as<StructDeclStmt>(s);
            d.ref = declare_function_name(d.name, &d.ref);
            for (auto& m : d.methods) {
                m->owner = &d;
                m->is_method = true;
                resolve_function(*m);
            }
            return;
        }
        case NodeKind::EnumDeclStmt: {
            auto& d = as<EnumDeclStmt>(s);
            d.ref = declare_function_name(d.name, &d.ref);
            return;
        }
        case NodeKind::ImportStmt: {
            auto& i = as<ImportStmt>(s);
            i.refs.clear();
            i.refs.reserve(i.names.empty() ? 1 : i.names.size());
            if (i.names.empty()) {
                i.refs.push_back({});
                i.refs.back() = declare_function_name(i.module, &i.refs.back(), false);
            }
            for (auto const& n : i.names) {
                i.refs.push_back({});
                i.refs.back() = declare_function_name(n, &i.refs.back(), false);
            }
            return;
        }
        case NodeKind::ExportStmt: resolve_export(as<ExportStmt>(s)); return;
        case NodeKind::IfStmt: {
            auto& i = as<IfStmt>(s);
            resolve_expr(*i.cond);
            resolve_scoped_block(*i.then_block);
            if (i.else_branch) resolve_stmt(*i.else_branch);
            return;
        }
        case NodeKind::WhileStmt: {
            auto& w = as<WhileStmt>(s);
            if (w.cond) resolve_expr(*w.cond);
            LoopBody loop(*this);
            resolve_scoped_block(*w.body);
            return;
        }
        case NodeKind::ForStmt: {
            auto& f = as<ForStmt>(s);
            resolve_expr(*f.iterable);
            m_current->blocks.emplace_back();
            LoopBody loop(*this);
            bind_loop_pattern(*f.pattern);
            resolve_block_stmts(*f.body);
            m_current->blocks.pop_back();
            return;
        }
        case NodeKind::MatchStmt: {
            auto& m = as<MatchStmt>(s);
            resolve_expr(*m.subject);
            for (auto& arm : m.arms) resolve_arm(arm);
            return;
        }
        case NodeKind::TryStmt: {
            auto& t = as<TryStmt>(s);
            resolve_scoped_block(*t.body);
            m_current->blocks.emplace_back();
            uint32_t slot = declare_block(t.name);
            t.ref = local_ref(*m_current, slot, &t.ref);
            resolve_block_stmts(*t.handler);
            m_current->blocks.pop_back();
            return;
        }
        case NodeKind::SpawnStmt:
            as<SpawnStmt>(s).fn->is_spawn = true;
            resolve_function(*as<SpawnStmt>(s).fn);
            as<SpawnStmt>(s).fn->info.name = as<SpawnStmt>(s).fn->info.display_name = "<spawn>";
            as<SpawnStmt>(s).fn->info.is_lambda = false;
            return;
        case NodeKind::TestStmt: {
            auto& t = as<TestStmt>(s);
            if (t.fn) {
                resolve_function(*t.fn);
                t.fn->info.name = (t.test_kind == TestKind::Test ? "<test " + t.name + ">" : std::string("<test>"));
                t.fn->info.display_name = t.fn->info.name;
                t.fn->info.is_lambda = false;
            }
            for (auto& c : t.children) resolve_stmt(*c);
            return;
        }
        case NodeKind::ReturnStmt:
            if (as<ReturnStmt>(s).value) resolve_expr(*as<ReturnStmt>(s).value);
            return;
        case NodeKind::BreakStmt:
        case NodeKind::ContinueStmt: return;
        default: return;
        }
    }

    // A for variable is fresh per iteration: block-scoped even at top level.
    void bind_loop_pattern(Pattern& p) {
        if (p.kind == PatternKind::Bind || p.kind == PatternKind::Rest) {
            uint32_t slot = declare_block(p.name);
            p.ref = local_ref(*m_current, slot, &p.ref);
            return;
        }
        for (auto& e : p.elements) bind_loop_pattern(*e);
    }

    void resolve_arm(MatchArm& arm) {
        m_current->blocks.emplace_back();
        // Every alternative binds the same names: bind the first, map the others to its slots.
        for (size_t i = 0; i < arm.alternatives.size(); ++i) {
            if (i == 0) bind_loop_pattern(*arm.alternatives[0]);
            else relink_pattern(*arm.alternatives[i]);
        }
        resolve_block_stmts(*arm.body);
        m_current->blocks.pop_back();
    }

    void relink_pattern(Pattern& p) {
        if (p.kind == PatternKind::Bind || p.kind == PatternKind::Rest) {
            int slot = find_local(*m_current, p.name);
            p.ref = local_ref(*m_current, static_cast<uint32_t>(slot), &p.ref);
            return;
        }
        for (auto& e : p.elements) relink_pattern(*e);
    }

    // Function, struct, enum and import names: a global at top level, else a local.
    VarRef declare_function_name(std::string const& name, VarRef* ref, bool declaration = true) {
        if (m_current->is_main && m_current->blocks.size() == 1)
            return note_write(VarRef{VarKind::Global, global_slot(name)}, declaration);
        int existing = find_local(*m_current, name);
        uint32_t slot = existing >= 0 ? static_cast<uint32_t>(existing) : declare_block(name);
        return local_ref(*m_current, slot, ref);
    }

    void resolve_export(ExportStmt& e) {
        resolve_stmt(*e.decl);
        Stmt& d = *e.decl;
        switch (d.kind) {
        case NodeKind::FuncDeclStmt: e.names.push_back(as<FuncDeclStmt>(d).fn->name); break;
        case NodeKind::StructDeclStmt: e.names.push_back(as<StructDeclStmt>(d).name); break;
        case NodeKind::EnumDeclStmt: e.names.push_back(as<EnumDeclStmt>(d).name); break;
        case NodeKind::LetStmt: collect_names(*as<LetStmt>(d).pattern, e.names); break;
        case NodeKind::AssignStmt:
            if (as<AssignStmt>(d).target->kind == NodeKind::Identifier)
                e.names.push_back(as<Identifier>(*as<AssignStmt>(d).target).name);
            break;
        default: break;
        }
    }

    static void collect_names(Pattern const& p, std::vector<std::string>& out) {
        if (p.kind == PatternKind::Bind || p.kind == PatternKind::Rest) out.push_back(p.name);
        for (auto const& e : p.elements) collect_names(*e, out);
    }

    void resolve_assign(AssignStmt& a) {
        if (a.target->kind == NodeKind::Identifier) {
            auto& id = as<Identifier>(*a.target);
            // Declared before the value is resolved, so `f := func() { f() }` can recurse.
            id.ref = assign_target(id.name, &id.ref);
            resolve_expr(*a.value);
            if (a.op == AssignOp::Set) mark_move(id, *a.value);
            return;
        }
        resolve_expr(*a.value);
        resolve_place(*a.target);
    }

    // The root of a place (`a` in a[i].f) is assigned: it follows the := rule.
    void resolve_place(Expr& e) {
        switch (e.kind) {
        case NodeKind::Identifier: {
            auto& id = as<Identifier>(e);
            id.ref = note_write(lookup(id.name, &id.ref));  // An in-place update writes the root.
            return;
        }
        case NodeKind::Index:
            resolve_place(*as<Index>(e).object);
            resolve_expr(*as<Index>(e).index);
            return;
        case NodeKind::Field: resolve_place(*as<Field>(e).object); return;
        default: resolve_expr(e); return;
        }
    }

    // ---- move on last use (JIT_DESIGN.md §3.3) ---------------------------------------------
    static size_t count_name(Node const& n, std::string const& name);

    static bool has_call(Expr const& e);

    void mark_move(Identifier& target, Expr& value) {
        VarKind k = target.ref.kind;
        if (k != VarKind::Local && k != VarKind::Global) return;
        if (target.ref.is_const) return;
        if (value.kind == NodeKind::Binary) {
            auto& b = as<Binary>(value);
            if (b.op != BinOp::Add || b.lhs->kind != NodeKind::Identifier) return;
            auto& lhs = as<Identifier>(*b.lhs);
            if (lhs.name != target.name || lhs.ref.kind != k || lhs.ref.index != target.ref.index) return;
            if (count_name(*b.rhs, target.name) != 0) return;
            if (k == VarKind::Global && has_call(*b.rhs)) return;
            lhs.is_move = true;
            if (k == VarKind::Global) m_global_moves.push_back(&lhs);
            return;
        }
        if (value.kind != NodeKind::Call) return;
        auto& call = as<Call>(value);
        if (call.callee->kind != NodeKind::Identifier || as<Identifier>(*call.callee).ref.kind != VarKind::Builtin) return;
        Identifier* candidate = nullptr;
        size_t total = 0;
        for (auto& arg : call.args) {
            total += count_name(*arg, target.name);
            // The interpreter takes a moved argument after evaluating the others, so a call among
            // them still sees the variable.
            if (arg->kind == NodeKind::Identifier && as<Identifier>(*arg).name == target.name) candidate = &as<Identifier>(*arg);
        }
        if (total != 1 || !candidate) return;
        if (candidate->ref.kind != k || candidate->ref.index != target.ref.index) return;
        candidate->is_move = true;
        if (k == VarKind::Global) m_global_moves.push_back(candidate);
    }

    // ---- expressions -----------------------------------------------------------------------
    void resolve_exprs(std::vector<ExprPtr>& es) {
        for (auto& e : es) resolve_expr(*e);
    }

    void resolve_expr(Expr& e) {
        switch (e.kind) {
        case NodeKind::Literal: return;
        case NodeKind::Interpolation: resolve_exprs(as<Interpolation>(e).parts); return;
        case NodeKind::Identifier: {
            auto& id = as<Identifier>(e);
            id.ref = lookup(id.name, &id.ref);
            return;
        }
        case NodeKind::Unary: resolve_expr(*as<Unary>(e).operand); return;
        case NodeKind::Binary:
            resolve_expr(*as<Binary>(e).lhs);
            resolve_expr(*as<Binary>(e).rhs);
            return;
        case NodeKind::Logical:
            resolve_expr(*as<Logical>(e).lhs);
            resolve_expr(*as<Logical>(e).rhs);
            return;
        case NodeKind::Call:
            resolve_expr(*as<Call>(e).callee);
            resolve_exprs(as<Call>(e).args);
            return;
        case NodeKind::MethodCall:
            resolve_expr(*as<MethodCall>(e).object);
            resolve_exprs(as<MethodCall>(e).args);
            return;
        case NodeKind::Index:
            resolve_expr(*as<Index>(e).object);
            resolve_expr(*as<Index>(e).index);
            return;
        case NodeKind::Field: resolve_expr(*as<Field>(e).object); return;
        case NodeKind::TryOp: resolve_expr(*as<TryOp>(e).operand); return;
        case NodeKind::ArrayLit: resolve_exprs(as<ArrayLit>(e).elements); return;
        case NodeKind::DictLit:
            for (auto& entry : as<DictLit>(e).entries) {
                if (entry.key) resolve_expr(*entry.key);
                resolve_expr(*entry.value);
            }
            return;
        case NodeKind::StructLit: {
            auto& s = as<StructLit>(e);
            resolve_expr(*s.type);
            for (auto& [name, value] : s.fields) resolve_expr(*value);
            return;
        }
        case NodeKind::TagExpr: resolve_exprs(as<TagExpr>(e).args); return;
        case NodeKind::Lambda: resolve_function(*as<Lambda>(e).fn); return;
        case NodeKind::ThrowExpr: resolve_expr(*as<ThrowExpr>(e).value); return;
        case NodeKind::YieldExpr:
            if (as<YieldExpr>(e).value) resolve_expr(*as<YieldExpr>(e).value);
            return;
        default: return;
        }
    }

    Program& m_program;
    std::function<bool(std::string const&)> const& m_is_builtin;
    std::unordered_map<std::string, uint32_t> m_global_index;
    std::vector<uint32_t> m_global_writes;  // assignments and in-place updates of each global
    std::vector<bool> m_global_declared;    // bound by a func/struct/enum/const declaration
    // Bound by a statement of the main program outside any loop (so it runs at most once): with
    // a single write, such a global never changes once bound, and tasks read it without a lock.
    std::vector<bool> m_global_bound_once;
    int m_main_loops = 0;  // Loops of the main program around the statement being resolved.
    struct LoopBody {
        explicit LoopBody(Resolver& r) : r(r), main(r.m_current->is_main) { r.m_main_loops += main; }
        ~LoopBody() { r.m_main_loops -= main; }
        Resolver& r;
        bool main;
    };
    std::vector<bool> m_global_in_functions;  // named inside some function (a task may see it)
    std::vector<Identifier*> m_global_moves;  // global reads marked as moves, checked at the end
    FunctionScope* m_current = nullptr;
};

size_t Resolver::count_name(Node const& n, std::string const& name) {
    size_t count = 0;
    auto visit = [&](Node const* child) {
        if (child) count += count_name(*child, name);
    };
    switch (n.kind) {
    case NodeKind::Identifier: return as<Identifier>(n).name == name ? 1 : 0;
    case NodeKind::Interpolation:
        for (auto const& p : as<Interpolation>(n).parts) visit(p.get());
        break;
    case NodeKind::Unary: visit(as<Unary>(n).operand.get()); break;
    case NodeKind::Binary: visit(as<Binary>(n).lhs.get()); visit(as<Binary>(n).rhs.get()); break;
    case NodeKind::Logical: visit(as<Logical>(n).lhs.get()); visit(as<Logical>(n).rhs.get()); break;
    case NodeKind::Call:
        visit(as<Call>(n).callee.get());
        for (auto const& a : as<Call>(n).args) visit(a.get());
        break;
    case NodeKind::MethodCall:
        visit(as<MethodCall>(n).object.get());
        for (auto const& a : as<MethodCall>(n).args) visit(a.get());
        break;
    case NodeKind::Index: visit(as<Index>(n).object.get()); visit(as<Index>(n).index.get()); break;
    case NodeKind::Field: visit(as<Field>(n).object.get()); break;
    case NodeKind::TryOp: visit(as<TryOp>(n).operand.get()); break;
    case NodeKind::ArrayLit:
        for (auto const& a : as<ArrayLit>(n).elements) visit(a.get());
        break;
    case NodeKind::DictLit:
        for (auto const& entry : as<DictLit>(n).entries) {
            visit(entry.key.get());
            visit(entry.value.get());
        }
        break;
    case NodeKind::StructLit:
        for (auto const& [field, value] : as<StructLit>(n).fields) visit(value.get());
        break;
    case NodeKind::TagExpr:
        for (auto const& a : as<TagExpr>(n).args) visit(a.get());
        break;
    case NodeKind::ThrowExpr: visit(as<ThrowExpr>(n).value.get()); break;
    case NodeKind::YieldExpr: visit(as<YieldExpr>(n).value.get()); break;
    case NodeKind::Lambda: return 1000;  // A closure may read it later: never move.
    default: break;
    }
    return count;
}

bool Resolver::has_call(Expr const& e) {
    switch (e.kind) {
    case NodeKind::Literal:
    case NodeKind::Identifier: return false;
    case NodeKind::Binary: return has_call(*as<Binary>(e).lhs) || has_call(*as<Binary>(e).rhs);
    case NodeKind::Unary: return as<Unary>(e).op == UnaryOp::Await || has_call(*as<Unary>(e).operand);
    case NodeKind::Index: return has_call(*as<Index>(e).object) || has_call(*as<Index>(e).index);
    default: return true;
    }
}

}  // namespace

bool resolve_program(Program& program, std::function<bool(std::string const&)> const& is_builtin, SyntaxError& error) {
    Resolver(program, is_builtin).run();
    return true;
}

}  // namespace ruff
