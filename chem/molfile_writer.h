// Molfile and RXN text for stored parents and reaction steps (exports).
// Pure function on our own data; safe from any thread (RDKit writers are re-entrant).
#pragma once

#include <string>

namespace argan::chem {

// The Molfile of a parent stored as an RDKit pickle, with `title` on its first line.
// 2D coordinates are computed when the pickle has none. V3000 when the molecule has
// enhanced-stereo groups or more than 999 atoms or bonds (V2000 cannot hold them), V2000
// otherwise. Ends with "M  END\n". The block is read back with RDKit before it is returned
// (hydrogen counts are written so that a reader derives them, not as a stale valence
// column). Throws argan::Error(InvalidArgument) for a pickle RDKit cannot read, Internal
// when no readable block can be written.
std::string molBlockFromPickle(const std::string& pickle, const std::string& title);

// A V2000 RXN file for a reaction SMILES ("reactants>agents>products", as stored with a route
// step), with `title` as its name line and 2D coordinates for every species; agents go to
// their own block (counts line "rrrppp aaa"). A parenthesised group ("([Na+].[OH-])") is one
// species, written as one Molfile, in any part. Ends with the last species' "M  END\n".
// Throws argan::Error(InvalidArgument) for text that fails checkReactionSmiles
// (reaction_input_check.h) or that RDKit cannot read.
std::string rxnBlockFromReactionSmiles(const std::string& reactionSmiles,
                                       const std::string& title);

}  // namespace argan::chem
