// Process-wide set-up of the chemistry layer, declared without RDKit's headers so that the
// composition root (main and the CLI commands) can call it without parsing them.
#pragma once

namespace argan::chem {

// Installs RDKit's log capture (rdkit_log.h), so that RDKit's messages about bad input reach
// the errors chem/ raises. Call it from main before threads start; later calls do nothing.
void initialise();

}  // namespace argan::chem
