// What the workflows read that an operator can reload (SIGHUP): the org tree, the classifier's
// rules, the reply templates and the command words, swapped as one immutable set so a message in
// flight keeps the versions it started with.
#pragma once

#include "base/model/org.hpp"
#include "bot/knowledge/command_grammar.hpp"
#include "bot/knowledge/templates.hpp"

#include <memory>

namespace gridbot::rules {
class Rules;
}

namespace gridbot::knowledge {

struct Knowledge {
  std::shared_ptr<const OrgTree> tree;
  std::shared_ptr<const rules::Rules> rules;
  std::shared_ptr<const Templates> templates;
  std::shared_ptr<const CommandGrammar> grammar;
};

}  // namespace gridbot::knowledge
