import './styles/dashboard.css';
import { startLive } from './live.js';

// Every signed-in page: the language picker applies on change (its button stays for keyboards
// and no-script), and live events show as they come.
const picker = document.querySelector<HTMLFormElement>('form.language');
picker?.querySelector('select')?.addEventListener('change', () => picker.requestSubmit());
picker?.querySelector('button')?.setAttribute('hidden', '');
startLive();
